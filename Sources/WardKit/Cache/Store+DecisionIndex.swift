import Foundation

extension Store {
    /// Every decision record as `Decision(data:path:)` reads it, or the problem that stops it, or nil when
    /// the file is gone, by file name, from the derived cache (`.ward/cache/decisions-BUILD/`) where the file is
    /// unchanged.
    func cachedDecisionFiles(_ names: [String], withBodies: Bool = true, progress: LoadProgress? = nil) -> [Result<Decision, WardError>?] {
        let directory = decisionsDirectory
        let cache = DerivedCache(root: root.path, name: "decisions", base: directory, files: [""], writable: !isReadOnly,
                                 progress: progress)
        let values = cache.values(for: names, build: { name in
            Self.encodeDecisionResult(self.readDecision(directory + "/" + name))
        }, decode: { name, payload -> DecisionFile? in
            let result: Result<Decision, WardError>?
            do { result = try Self.decodeDecisionResult(payload, withBody: withBodies) } catch { return nil }
            // Entries are by file name; one built for another directory (ward.yaml changed) is not used.
            if case let .success(decision)? = result, decision.path != directory + "/" + name { return nil }
            if case let .failure(error)? = result, let path = error.path, path != directory + "/" + name { return nil }
            return DecisionFile(result: result)
        })
        return zip(names, values).map { name, value in
            if let value { return value.result }
            guard !withBodies, case var .success(decision)? = readDecision(directory + "/" + name) else {
                return readDecision(directory + "/" + name)
            }
            decision.body = ""
            return .success(decision)
        }
    }

    /// A decision record as read from its file: nil when there is none.
    private struct DecisionFile: Sendable {
        var result: Result<Decision, WardError>?
    }

    /// One record read from its file: what `loadDecisions` always did, file by file (nil: no such file).
    func readDecision(_ path: String) -> Result<Decision, WardError>? {
        do {
            guard let contents = try files.read(path, limit: RecordText.sizeLimit + 1) else { return nil }
            return .success(try Decision(data: contents.data, path: path))
        } catch let error as WardError {
            return .failure(error)
        } catch {
            return .failure(WardError("\(error)", path: path))
        }
    }

    static func encodeDecisionResult(_ result: Result<Decision, WardError>?) -> [UInt8] {
        var writer = ByteWriter()
        switch result {
        case nil:
            writer.int(0)
        case let .failure(error)?:
            writer.int(1)
            error.encode(to: &writer)
        case let .success(decision)?:
            writer.int(2)
            decision.encode(to: &writer)
        }
        return writer.bytes
    }

    static func decodeDecisionResult(_ payload: ArraySlice<UInt8>, withBody: Bool = true) throws -> Result<Decision, WardError>? {
        try payload.withUnsafeBytes { bytes in
            var reader = ByteReader(bytes)
            let tag = try reader.int()
            if tag == 0 { return nil }
            guard tag == 1 || tag == 2 else { throw CacheFormatError() }
            if tag == 1 { return .failure(try WardError(from: &reader)) }
            let decision = try Decision(from: &reader, withBody: withBody)
            guard reader.isAtEnd else { throw CacheFormatError() }
            return .success(decision)
        }
    }
}

extension Decision {
    func encode(to writer: inout ByteWriter) {
        writer.int(number)
        writer.string(title)
        writer.optionalString(status?.rawValue)
        writer.string(statusText)
        writer.optionalString(date)
        writer.string(format.rawValue)
        writer.int(supersedes.count)
        for number in supersedes { writer.int(number) }
        writer.int(supersededBy.count)
        for number in supersededBy { writer.int(number) }
        writer.int(links.count)
        for link in links {
            writer.string(link.label)
            writer.int(link.number)
        }
        writer.strings(incidents)
        writer.strings(tags)
        writer.strings(decisionMakers)
        writer.string(path)
        writer.int(warnings.count)
        for problem in warnings { problem.encode(to: &writer) }
        // Last, so that a list can skip it.
        writer.string(body)
    }

    init(from reader: inout ByteReader, withBody: Bool = true) throws {
        self = Decision(cachedNumber: try reader.int(), title: try reader.string())
        if let status = try reader.optionalString() {
            guard let known = DecisionStatus(rawValue: status) else { throw CacheFormatError() }
            self.status = known
        }
        statusText = try reader.string()
        date = try reader.optionalString()
        guard let format = DecisionFormat(rawValue: try reader.string()) else { throw CacheFormatError() }
        self.format = format
        for _ in 0..<(try reader.count()) { supersedes.append(try reader.int()) }
        for _ in 0..<(try reader.count()) { supersededBy.append(try reader.int()) }
        for _ in 0..<(try reader.count()) {
            var link = DecisionLink("relates to", 0)
            link.label = try reader.string()
            link.number = try reader.int()
            links.append(link)
        }
        incidents = try reader.strings()
        tags = try reader.strings()
        decisionMakers = try reader.strings()
        path = try reader.string()
        for _ in 0..<(try reader.count()) { warnings.append(try Problem(from: &reader)) }
        if withBody { body = try reader.string() } else { _ = try reader.rawRange() }
    }
}

extension WardError {
    func encode(to writer: inout ByteWriter) {
        writer.string(message)
        writer.optionalString(path)
        writer.int(line ?? -1)
    }

    init(from reader: inout ByteReader) throws {
        let message = try reader.string()
        let path = try reader.optionalString()
        let line = try reader.int()
        self.init(message, path: path, line: line < 0 ? nil : line)
    }
}

extension Problem {
    func encode(to writer: inout ByteWriter) {
        writer.string(path)
        writer.int(line ?? -1)
        writer.string(message)
        writer.bool(level == .warning)
    }

    init(from reader: inout ByteReader) throws {
        let path = try reader.string()
        let line = try reader.int()
        let message = try reader.string()
        self.init(path: path, line: line < 0 ? nil : line, message, level: try reader.bool() ? .warning : .error)
    }
}
