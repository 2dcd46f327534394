import Foundation

extension Store {
    /// Each incident's post-mortem as `loadPostmortem` reads it. Without bodies (a list), from the derived
    /// cache (`.ward/cache/postmortems-BUILD/`, which keeps no bodies) where the file is unchanged; with them,
    /// from the files.
    func cachedPostmortems(_ ids: [String], withBodies: Bool, progress: LoadProgress? = nil) -> [Result<Postmortem, WardError>?] {
        if withBodies { return ids.concurrentMap { self.loadPostmortem($0) } }
        let cache = DerivedCache(root: root.path, name: "postmortems", base: Self.incidentsDirectory, files: ["/postmortem.md"],
                                 writable: !isReadOnly, progress: progress)
        let values = cache.values(for: ids, build: { id in
            var writer = ByteWriter()
            switch self.loadPostmortem(id) {
            case nil:
                writer.int(0)
            case let .failure(error)?:
                writer.int(1)
                error.encode(to: &writer)
            case let .success(postmortem)?:
                writer.int(2)
                writer.string(postmortem.incidentID)
                writer.string(postmortem.title)
                writer.string(postmortem.status)
                writer.strings(postmortem.reviewers)
                writer.int(postmortem.bodyLine)
                writer.string(postmortem.path)
            }
            return writer.bytes
        }, decode: { id, payload in
            payload.withUnsafeBytes { bytes -> Listed? in
                var reader = ByteReader(bytes)
                do {
                    let listed: Listed
                    switch try reader.int() {
                    case 0:
                        listed = Listed(result: nil)
                    case 1:
                        listed = Listed(result: .failure(try WardError(from: &reader)))
                    case 2:
                        let incidentID = try reader.string(), title = try reader.string(), status = try reader.string()
                        let reviewers = try reader.strings()
                        let bodyLine = try reader.int()
                        let path = try reader.string()
                        guard incidentID == id else { return nil }
                        listed = Listed(result: .success(Postmortem(incidentID: incidentID, title: title, status: status,
                                                                     reviewers: reviewers, body: "", bodyLine: bodyLine, path: path)))
                    default:
                        return nil
                    }
                    return reader.isAtEnd ? listed : nil
                } catch {
                    return nil
                }
            }
        })
        return zip(ids, values).map { id, value in
            if let value { return value.result }
            var postmortem = loadPostmortem(id)
            if case var .success(found)? = postmortem {
                found.body = ""
                postmortem = .success(found)
            }
            return postmortem
        }
    }

    /// A post-mortem as listed: nil when there is none.
    private struct Listed: Sendable {
        var result: Result<Postmortem, WardError>?
    }
}
