import Foundation

/// Event ids: ULIDs (26 characters of Crockford base32, the first 10 the time in milliseconds), unique
/// without coordination and sorted by time.
public enum ULID {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// A new ULID. Within one process ids only grow, even within one millisecond, so events a process
    /// writes in a row keep their order.
    public static func make(at date: Date = Date()) -> String {
        let (millis, high, low) = state.next(millis: UInt64(max(0, date.timeIntervalSince1970 * 1000)))
        var chars = [UInt8](repeating: 0, count: 26)
        var time = millis
        for index in stride(from: 9, through: 0, by: -1) {
            chars[index] = alphabet[Int(time & 31)]
            time >>= 5
        }
        // 80 random bits: 16 from `high`, 64 from `low`, 5 bits a character.
        var bits = (UInt128(high) << 64) | UInt128(low)
        for index in stride(from: 25, through: 10, by: -1) {
            chars[index] = alphabet[Int(bits & 31)]
            bits >>= 5
        }
        return String(decoding: chars, as: UTF8.self)
    }

    private static let state = MonotonicState()

    private final class MonotonicState: @unchecked Sendable {
        private let lock = NSLock()
        private var last: (millis: UInt64, high: UInt16, low: UInt64) = (0, 0, 0)

        func next(millis: UInt64) -> (UInt64, UInt16, UInt64) {
            lock.lock()
            defer { lock.unlock() }
            if millis <= last.millis {
                // Same (or an earlier) millisecond: add one to the random part of the last id.
                let (low, carried) = last.low.addingReportingOverflow(1)
                last = (last.millis, carried ? last.high &+ 1 : last.high, low)
            } else {
                last = (millis, UInt16.random(in: 0...UInt16.max), UInt64.random(in: 0...UInt64.max >> 1))
            }
            return last
        }
    }

    public static func isValid(_ text: String) -> Bool {
        text.utf8.count == 26 && text.utf8.allSatisfy { alphabet.contains($0) }
    }

    /// The time a ULID was made, to the millisecond.
    public static func time(of text: String) -> Date? {
        guard isValid(text) else { return nil }
        var millis: UInt64 = 0
        for byte in text.utf8.prefix(10) {
            millis = millis << 5 | UInt64(alphabet.firstIndex(of: byte)!)
        }
        return Date(timeIntervalSince1970: Double(millis) / 1000)
    }
}
