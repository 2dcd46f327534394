// bench-append FILE TEXT: the least a program can do to add one line to a journal durably. It opens FILE
// with O_WRONLY|O_APPEND|O_CREAT, writes one small JSON object holding TEXT in a single write(), fsyncs,
// closes and exits 0. `ward log` is measured against it (ward-bench run): whatever ward spends beyond
// this is parsing, finding the incident, locking and formatting.
//
// Glibc only, no Foundation, so its start-up cost is the floor a Swift program can reach.
import Glibc

func fail(_ message: String) -> Never {
    let line = "bench-append: " + message + "\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
    exit(2)
}

/// `text` as a JSON string literal: quotes, backslashes and control characters escaped.
func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 {
                let hex = Array("0123456789abcdef")
                out += "\\u00" + String(hex[Int(scalar.value >> 4)]) + String(hex[Int(scalar.value & 15)])
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

let arguments = CommandLine.arguments
guard arguments.count == 3 else { fail("usage: bench-append FILE TEXT") }
let path = arguments[1]
let line = "{\"kind\":\"note\",\"text\":" + jsonString(arguments[2]) + "}\n"

let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
guard fd >= 0 else { fail("cannot open \(path): \(String(cString: strerror(errno)))") }
let bytes = Array(line.utf8)
let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
guard written == bytes.count else { fail("short write to \(path): \(String(cString: strerror(errno)))") }
guard fsync(fd) == 0 else { fail("fsync failed on \(path): \(String(cString: strerror(errno)))") }
guard close(fd) == 0 else { fail("close failed on \(path): \(String(cString: strerror(errno)))") }
exit(0)
