import Foundation
import WardKit

/// Everything ward prints. Text from files goes through `TerminalSafe` on its way to a terminal, JSON
/// through `JSONValue`, which escapes the same characters; messages and errors go to stderr.
enum Output {
    static func line(_ text: String = "") {
        FileHandle.standardOutput.write(Data((TerminalSafe.clean(text) + "\n").utf8))
    }

    static func json(_ value: JSONValue) {
        FileHandle.standardOutput.write(Data((value.jsonText + "\n").utf8))
    }

    /// Text that is already JSON (escaped by `JSONValue`), written as it is.
    /// Written straight from the buffer: `incident list --json` of a large store is tens of megabytes,
    /// which a copy into `Data` would double.
    /// The parts one after the other, as `raw` writes one, with as few system calls as `writev` allows.
    static func raw(_ parts: [ArraySlice<UInt8>]) {
        var next = 0
        while next < parts.count {
            let batch = parts[next..<min(parts.count, next + 1024)]
            next = batch.endIndex
            // Each part's bytes stay where they are while `parts` holds them: nothing here changes an array.
            var vectors = batch.map { part in
                part.withUnsafeBytes { iovec(iov_base: UnsafeMutableRawPointer(mutating: $0.baseAddress), iov_len: $0.count) }
            }
            var index = 0
            while index < vectors.count {
                let written = vectors[index...].withUnsafeBufferPointer { writev(1, $0.baseAddress, Int32($0.count)) }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                // Past the parts written whole, and into the one written in part.
                var left = written
                while index < vectors.count, left >= vectors[index].iov_len {
                    left -= vectors[index].iov_len
                    index += 1
                }
                if left > 0 {
                    vectors[index].iov_base = vectors[index].iov_base! + left
                    vectors[index].iov_len -= left
                }
            }
        }
    }

    static func raw(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(1, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }

    static func note(_ text: String) {
        FileHandle.standardError.write(Data((TerminalSafe.clean(text) + "\n").utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data(("ward: " + TerminalSafe.clean(text) + "\n").utf8))
    }

    /// Rows padded into columns; the last column is not padded. Cells are made single-line and safe.
    static func table(_ rows: [[String]]) {
        guard let width = rows.map(\.count).max() else { return }
        let cleaned = rows.map { $0.map { TerminalSafe.clean($0, singleLine: true) } }
        var widths = [Int](repeating: 0, count: width)
        for row in cleaned {
            for (index, cell) in row.enumerated() where index < width - 1 {
                widths[index] = max(widths[index], DisplayWidth.of(cell))
            }
        }
        for row in cleaned {
            var text = ""
            for (index, cell) in row.enumerated() {
                if index < row.count - 1 {
                    text += cell + String(repeating: " ", count: widths[index] - DisplayWidth.of(cell) + 2)
                } else {
                    text += cell
                }
            }
            FileHandle.standardOutput.write(Data((text + "\n").utf8))
        }
    }
}
