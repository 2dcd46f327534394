import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One incident as `incident list` prints it: what it sorts and filters by, and its JSON text, kept ready.
public struct IncidentListing: Sendable {
    public var id: String
    public var declared: Date
    public var isActive: Bool
    /// `IncidentSummary.json` as compact UTF-8 text.
    public var json: ArraySlice<UInt8>
}

/// What the terminal UI keeps of an incident from one look at its three files: its summary, and its
/// post-mortem as a list shows it (no body), or the problem that stops it, or nil when there is none.
public final class IncidentEntry: Sendable {
    public let summary: IncidentSummary
    public let postmortem: Result<Postmortem, WardError>?

    init(summary: IncidentSummary, postmortem: Result<Postmortem, WardError>?) {
        self.summary = summary
        self.postmortem = postmortem
    }
}

extension Store {
    /// A derived index of incidents under `.ward/cache/NAME-BUILD/`, one entry per incident, built from the
    /// files `files` names: what `decode` makes of each entry, in `incidentIDs()` order, and from the files
    /// where an entry cannot be had.
    private func incidentIndex<Value: Sendable>(_ name: String, files: [String], progress: LoadProgress? = nil,
                                                build: @escaping @Sendable (String) -> [UInt8],
                                                decode: @escaping @Sendable (String, ArraySlice<UInt8>) -> Value?,
                                                direct: (String) -> Value) -> [Value] {
        let ids = incidentIDs()
        let cache = DerivedCache(root: root.path, name: name, base: Self.incidentsDirectory, files: files,
                                 writable: !isReadOnly, progress: progress)
        let values = cache.values(for: ids, build: build, decode: decode)
        // Nil only if an entry just built does not decode, which would be a bug; the files still answer.
        return zip(ids, values).map { id, value in value ?? direct(id) }
    }

    /// Every incident's summary and post-mortem listing, in `incidentIDs()` order: from the derived cache
    /// where it still holds, else from the files (and the cache is brought up to date).
    public func incidentEntries(progress: LoadProgress? = nil) -> [IncidentEntry] {
        incidentIndex("incidents", files: ["/incident.md", "/timeline.jsonl", "/postmortem.md"], progress: progress, build: { id in
            var writer = ByteWriter()
            self.readEntry(id).encode(to: &writer)
            return writer.bytes
        }, decode: { id, payload in
            payload.withUnsafeBytes { bytes in
                var reader = ByteReader(bytes)
                guard let entry = try? IncidentEntry(from: &reader, id: id), reader.isAtEnd else { return nil }
                return entry
            }
        }, direct: readEntry)
    }

    /// Every incident's summary, in `incidentIDs()` order (see `incidentEntries`).
    public func incidentSummaries(progress: LoadProgress? = nil) -> [IncidentSummary] {
        incidentEntries(progress: progress).map(\.summary)
    }

    /// An incident's entry read from its files.
    @Sendable func readEntry(_ id: String) -> IncidentEntry {
        var postmortem = loadPostmortem(id)
        if case var .success(found)? = postmortem {
            found.body = ""
            postmortem = .success(found)
        }
        return IncidentEntry(summary: IncidentSummary(loadIncident(id)), postmortem: postmortem)
    }

    /// Every incident as `incident list` needs it, in `incidentIDs()` order.
    public func incidentListings() -> [IncidentListing] {
        @Sendable func listing(_ summary: IncidentSummary) -> IncidentListing {
            IncidentListing(id: summary.id, declared: summary.declared, isActive: summary.isActive,
                            json: ArraySlice(summary.jsonText.utf8))
        }
        return incidentIndex("incident-listings", files: ["/incident.md", "/timeline.jsonl"], build: { id in
            let summary = IncidentSummary(self.loadIncident(id))
            var writer = ByteWriter()
            writer.date(summary.declared)
            writer.bool(summary.isActive)
            writer.string(summary.jsonText)
            return writer.bytes
        }, decode: { id, payload in
            payload.withUnsafeBytes { bytes -> IncidentListing? in
                var reader = ByteReader(bytes)
                guard let declared = try? reader.date(), let active = try? reader.bool(),
                      let json = try? reader.rawRange(), reader.isAtEnd else { return nil }
                return IncidentListing(id: id, declared: declared, isActive: active,
                                       json: payload[(payload.startIndex + json.lowerBound)..<(payload.startIndex + json.upperBound)])
            }
        }, direct: { listing(IncidentSummary(self.loadIncident($0))) })
    }
}

extension IncidentEntry {
    func encode(to writer: inout ByteWriter) {
        summary.encode(to: &writer)
        switch postmortem {
        case nil:
            writer.int(0)
        case let .failure(error)?:
            writer.int(1)
            error.encode(to: &writer)
        case let .success(postmortem)?:
            writer.int(2)
            writer.string(postmortem.title)
            writer.string(postmortem.status)
            writer.strings(postmortem.reviewers)
            writer.int(postmortem.bodyLine)
            writer.string(postmortem.path)
        }
    }

    convenience init(from reader: inout ByteReader, id: String) throws {
        let summary = try IncidentSummary(from: &reader, id: id)
        let postmortem: Result<Postmortem, WardError>?
        switch try reader.int() {
        case 0:
            postmortem = nil
        case 1:
            postmortem = .failure(try WardError(from: &reader))
        case 2:
            postmortem = .success(Postmortem(incidentID: id, title: try reader.string(), status: try reader.string(),
                                             reviewers: try reader.strings(), body: "", bodyLine: try reader.int(),
                                             path: try reader.string()))
        default:
            throw CacheFormatError()
        }
        self.init(summary: summary, postmortem: postmortem)
    }
}
