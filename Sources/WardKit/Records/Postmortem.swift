import Foundation

/// `incidents/<id>/postmortem.md`, as far as reading it goes: its review status and its text.
public struct Postmortem: Sendable, Equatable {
    public var incidentID: String
    public var title: String
    /// draft, in-review or published.
    public var status: String
    public var reviewers: [String]
    public var body: String
    public var bodyLine: Int
    public var path: String

    /// A post-mortem as the derived cache kept it (see `Store+PostmortemIndex`).
    init(incidentID: String, title: String, status: String, reviewers: [String], body: String, bodyLine: Int, path: String) {
        self.incidentID = incidentID
        self.title = title
        self.status = status
        self.reviewers = reviewers
        self.body = body
        self.bodyLine = bodyLine
        self.path = path
    }

    public init(data: Data, path: String, incidentID: String) throws {
        let text = try RecordText(data, path: path)
        let document = try FrontMatterDocument(text.text, path: path)
        self.incidentID = incidentID
        self.path = path
        body = document.body
        bodyLine = document.bodyLine
        title = try document.fields?.string("title") ?? Decision.heading(in: document.body) ?? incidentID
        status = (try document.fields?.string("status") ?? "draft").trimmingCharacters(in: .whitespaces).lowercased()
        reviewers = try document.fields?.strings("reviewers") ?? []
    }
}

extension Store {
    /// The post-mortems that exist, newest incident first, and the problems met reading them. Without
    /// `withBodies`, each `body` is empty (a list of a large store's post-mortems; `loadPostmortem` reads one).
    public func loadPostmortems(withBodies: Bool = true, progress: LoadProgress? = nil) -> (postmortems: [Postmortem], problems: [Problem]) {
        var postmortems: [Postmortem] = []
        var problems: [Problem] = []
        let ids = Array(incidentIDs().reversed())
        for (id, result) in zip(ids, cachedPostmortems(ids, withBodies: withBodies, progress: progress)) {
            let path = "incidents/\(id)/postmortem.md"
            switch result {
            case nil:
                continue
            case let .success(postmortem)?:
                if !Store.postmortemStatuses.contains(postmortem.status) {
                    problems.append(Problem(path: path, line: 1,
                                            "status '\(postmortem.status)' is not one of \(Store.postmortemStatuses.joined(separator: ", ")); Ward will not redraft it until it is"))
                }
                postmortems.append(postmortem)
            case let .failure(error)?:
                problems.append(Problem(path: error.path ?? path, line: error.line, error.message))
            }
        }
        return (postmortems, problems)
    }

    /// One incident's post-mortem read from its file: nil when there is none, or the problem that stops it.
    public func loadPostmortem(_ id: String) -> Result<Postmortem, WardError>? {
        let path = "incidents/\(id)/postmortem.md"
        do {
            guard let contents = try files.read(path, limit: RecordText.sizeLimit + 1) else { return nil }
            return .success(try Postmortem(data: contents.data, path: path, incidentID: id))
        } catch let error as WardError {
            return .failure(error)
        } catch {
            return .failure(WardError("\(error)", path: path))
        }
    }
}
