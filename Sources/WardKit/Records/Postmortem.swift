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
    /// The post-mortems that exist, newest incident first, and the problems met reading them.
    public func loadPostmortems() -> (postmortems: [Postmortem], problems: [Problem]) {
        var postmortems: [Postmortem] = []
        var problems: [Problem] = []
        for id in incidentIDs().reversed() {
            let path = "incidents/\(id)/postmortem.md"
            do {
                guard let contents = try files.read(path, limit: RecordText.sizeLimit + 1) else { continue }
                let postmortem = try Postmortem(data: contents.data, path: path, incidentID: id)
                if !Store.postmortemStatuses.contains(postmortem.status) {
                    problems.append(Problem(path: path, line: 1,
                                            "status '\(postmortem.status)' is not one of \(Store.postmortemStatuses.joined(separator: ", ")); Ward will not redraft it until it is"))
                }
                postmortems.append(postmortem)
            } catch let error as WardError {
                problems.append(Problem(path: error.path ?? path, line: error.line, error.message))
            } catch {
                problems.append(Problem(path: path, "\(error)"))
            }
        }
        return (postmortems, problems)
    }
}
