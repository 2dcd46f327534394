import Foundation

/// The archive format of `ward backup`: POSIX tar (ustar, with a pax `path` record for a name longer than
/// 100 bytes or not ASCII), so `tar -tf` and `tar -xf` read it too. Only regular files and directories are
/// written; the reader refuses anything else (links, devices), and any path that could leave the folder it
/// is restored into.
public enum TarArchive {
    public struct Entry: Sendable, Equatable {
        /// Relative, `/`-separated, without a trailing slash.
        public var path: String
        public var data: Data
        public var mode: UInt32
        public var isDirectory: Bool

        public init(path: String, data: Data = Data(), mode: UInt32, isDirectory: Bool = false) {
            self.path = path
            self.data = data
            self.mode = mode
            self.isDirectory = isDirectory
        }
    }

    static let block = 512

    // MARK: Writing

    public static func write(_ entries: [Entry], mtime: Int) -> Data {
        var out = Data()
        for entry in entries {
            let name = entry.isDirectory ? entry.path + "/" : entry.path
            let plain = name.utf8.count <= 100 && name.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 32 && $0.value != 127 }
            if !plain {
                let record = paxRecord("path", name)
                out += header(name: "PaxHeader/" + fallbackName(name, limit: 90), size: record.count, type: "x", mode: 0o644, mtime: mtime)
                out += padded(record)
            }
            let size = entry.isDirectory ? 0 : entry.data.count
            out += header(name: plain ? name : fallbackName(name, limit: 100), size: size, type: entry.isDirectory ? "5" : "0",
                          mode: entry.mode & 0o7777, mtime: mtime)
            if !entry.isDirectory { out += padded(entry.data) }
        }
        out += Data(count: block * 2)
        return out
    }

    /// `"%d path=VALUE\n"`, where the number counts the whole record, itself included.
    static func paxRecord(_ key: String, _ value: String) -> Data {
        let body = " \(key)=\(value)\n"
        var length = body.utf8.count + 1
        while String(length).utf8.count + body.utf8.count != length { length = String(length).utf8.count + body.utf8.count }
        return Data((String(length) + body).utf8)
    }

    /// A printable ASCII stand-in for the header's own name field; readers that know pax use the record.
    static func fallbackName(_ name: String, limit: Int) -> String {
        String(String(name.unicodeScalars.map { $0.isASCII && $0.value >= 32 && $0.value != 127 ? Character($0) : "_" }).suffix(limit))
    }

    static func padded(_ data: Data) -> Data {
        var out = data
        let remainder = data.count % block
        if remainder != 0 { out += Data(count: block - remainder) }
        return out
    }

    static func header(name: String, size: Int, type: Character, mode: UInt32, mtime: Int) -> Data {
        var bytes = [UInt8](repeating: 0, count: block)
        func put(_ text: String, at offset: Int, width: Int) {
            for (index, byte) in text.utf8.prefix(width).enumerated() { bytes[offset + index] = byte }
        }
        func octal(_ value: Int, at offset: Int, width: Int) {
            put(String(repeating: "0", count: max(0, width - 1 - String(value, radix: 8).count)) + String(value, radix: 8), at: offset, width: width - 1)
        }
        put(name, at: 0, width: 100)
        octal(Int(mode), at: 100, width: 8)
        octal(0, at: 108, width: 8)
        octal(0, at: 116, width: 8)
        octal(size, at: 124, width: 12)
        octal(mtime, at: 136, width: 12)
        put(String(type), at: 156, width: 1)
        put("ustar", at: 257, width: 6)
        put("00", at: 263, width: 2)
        put("ward", at: 265, width: 32)
        put("ward", at: 297, width: 32)
        for index in 148..<156 { bytes[index] = 32 }
        let sum = bytes.reduce(0) { $0 + Int($1) }
        put(String(repeating: "0", count: max(0, 6 - String(sum, radix: 8).count)) + String(sum, radix: 8), at: 148, width: 6)
        bytes[154] = 0
        bytes[155] = 32
        return Data(bytes)
    }

    // MARK: Reading

    /// Every entry of an archive, checked: header checksums, sizes within the archive, the two closing
    /// blocks, only files and directories, and paths that stay inside the folder they are restored to.
    /// `source` names the archive in errors.
    public static func read(_ data: Data, source: String) throws -> [Entry] {
        let bytes = [UInt8](data)
        var entries: [Entry] = []
        var offset = 0
        var nextPath: String?
        var seen: Set<String> = []
        func fail(_ message: String) -> WardError { WardError("\(message) (at byte \(offset))", path: source) }
        while true {
            guard offset + block <= bytes.count else { throw fail("the archive ends before its closing blocks: it is truncated") }
            let header = Array(bytes[offset..<offset + block])
            if header.allSatisfy({ $0 == 0 }) {
                guard offset + 2 * block <= bytes.count, bytes[offset + block..<offset + 2 * block].allSatisfy({ $0 == 0 }) else {
                    throw fail("the archive ends before its closing blocks: it is truncated")
                }
                break
            }
            guard let stored = octal(header[148..<156]) else { throw fail("a header's checksum is not a number: this is not a tar archive") }
            var sum = 0
            for (index, byte) in header.enumerated() { sum += (148..<156).contains(index) ? 32 : Int(byte) }
            guard stored == sum else { throw fail("a header's checksum does not match: the archive is damaged") }
            guard let size = octal(header[124..<136]), size >= 0 else { throw fail("a header's size is not a number") }
            let start = offset + block
            guard start + size <= bytes.count else { throw fail("an entry runs past the end of the archive: it is truncated") }
            let body = Data(bytes[start..<start + size])
            offset = start + (size + block - 1) / block * block
            let type = header[156]
            switch type {
            case UInt8(ascii: "x"):
                nextPath = try paxPath(body, fail: fail) ?? nextPath
                continue
            case UInt8(ascii: "g"):
                continue
            case 0, UInt8(ascii: "0"), UInt8(ascii: "5"):
                break
            default:
                throw fail("an entry is a link, a device or another special file (type '\(Character(UnicodeScalar(type)))'), which a Ward backup never holds")
            }
            var path = nextPath ?? headerName(header)
            nextPath = nil
            let isDirectory = type == UInt8(ascii: "5") || path.hasSuffix("/")
            while path.hasSuffix("/") { path.removeLast() }
            try checkPath(path, fail: fail)
            guard seen.insert(path).inserted else { throw fail("'\(path)' appears twice in the archive") }
            guard let mode = octal(header[100..<108]).flatMap({ UInt32(exactly: $0) }) else { throw fail("a header's mode is not an octal number") }
            entries.append(Entry(path: path, data: isDirectory ? Data() : body, mode: mode & 0o7777, isDirectory: isDirectory))
        }
        return entries
    }

    static func headerName(_ header: [UInt8]) -> String {
        func field(_ range: Range<Int>) -> String {
            let slice = header[range]
            return String(decoding: slice.prefix { $0 != 0 }, as: UTF8.self)
        }
        let name = field(0..<100)
        let prefix = String(decoding: header[257..<263], as: UTF8.self).hasPrefix("ustar") ? field(345..<500) : ""
        return prefix.isEmpty ? name : prefix + "/" + name
    }

    /// An octal field: digits 0-7 only (no sign), with spaces around and a NUL after allowed.
    static func octal(_ field: ArraySlice<UInt8>) -> Int? {
        let text = String(decoding: field.prefix { $0 != 0 }, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return 0 }
        guard text.count <= 12, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "7") }) else { return nil }
        return Int(text, radix: 8)
    }

    static func paxPath(_ body: Data, fail: (String) -> WardError) throws -> String? {
        var rest = [UInt8](body)[...]
        var path: String?
        while !rest.isEmpty {
            guard let space = rest.firstIndex(of: 32), let length = Int(String(decoding: rest[rest.startIndex..<space], as: UTF8.self)),
                  length > 0, length <= rest.count else { throw fail("a pax record is malformed") }
            let record = rest[rest.startIndex..<rest.startIndex + length]
            rest = rest[(rest.startIndex + length)...]
            guard record.last == 10, let equals = record.firstIndex(of: UInt8(ascii: "=")) else { throw fail("a pax record is malformed") }
            let key = String(decoding: record[record.index(after: space)..<equals], as: UTF8.self)
            let value = record[record.index(after: equals)..<record.index(before: record.endIndex)]
            if key == "path" {
                guard RecordText.firstInvalidUTF8(Array(value)) == nil else { throw fail("a path in the archive is not valid UTF-8") }
                path = String(decoding: value, as: UTF8.self)
            }
        }
        return path
    }

    /// A relative path with no `.`, `..` or empty part, no NUL or control character, within the limits of
    /// a file system: restoring it can only create something inside the target folder.
    static func checkPath(_ path: String, fail: (String) -> WardError) throws {
        let shown = TerminalSafe.clean(path, singleLine: true)
        guard !path.isEmpty, !path.hasPrefix("/"), path.utf8.count <= 4096 else { throw fail("the path '\(shown)' is empty, absolute or too long") }
        guard !path.unicodeScalars.contains(where: { $0.value < 32 || $0.value == 127 }) else {
            throw fail("the path '\(shown)' holds a control character")
        }
        for part in path.split(separator: "/", omittingEmptySubsequences: false) {
            guard !part.isEmpty, part != ".", part != "..", part.utf8.count <= 255 else {
                throw fail("the path '\(shown)' could leave the folder it is restored into, or has a part longer than 255 bytes")
            }
        }
    }
}
