import Foundation

/// The generator's only source of chance: xoshiro256** seeded through SplitMix64. Every record draws from
/// its own stream (`Random(seed, stream: n)`), so one record's contents never depend on how many numbers
/// another one drew, and the same arguments always give the same bytes.
struct Random {
    private var s0, s1, s2, s3: UInt64

    /// The stream `stream` of the run seeded with `seed`.
    init(_ seed: UInt64, stream: UInt64) {
        var mix = SplitMix64(seed ^ (stream &* 0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03)
        s0 = mix.next(); s1 = mix.next(); s2 = mix.next(); s3 = mix.next()
    }

    mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// 0 ..< bound, without modulo bias worth speaking of (bound is always small here).
    mutating func int(_ bound: Int) -> Int {
        precondition(bound > 0)
        return Int((next() >> 11) % UInt64(bound))
    }

    /// lower ... upper.
    mutating func int(_ lower: Int, _ upper: Int) -> Int { lower + int(upper - lower + 1) }

    /// [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    mutating func chance(_ probability: Double) -> Bool { unit() < probability }

    mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }

    /// `count` different items, in the order drawn.
    mutating func pick<T>(_ items: [T], count: Int) -> [T] {
        var indices = Array(items.indices)
        var chosen: [T] = []
        for _ in 0..<min(count, items.count) {
            chosen.append(items[indices.remove(at: int(indices.count))])
        }
        return chosen
    }

    /// A duration of seconds spread like real ones: most short, a long tail (log-uniform between the bounds).
    mutating func seconds(_ lower: Double, _ upper: Double) -> Int {
        Int(exp(log(lower) + unit() * (log(upper) - log(lower))))
    }

    /// `count` characters of `alphabet`.
    mutating func characters(_ count: Int, from alphabet: [Character]) -> String {
        String((0..<count).map { _ in alphabet[int(alphabet.count)] })
    }

    /// An event id shaped as Ward makes them (a ULID: 10 characters of time in milliseconds, then 16 of
    /// chance, Crockford base32), drawn from this stream instead of the system's randomness. `sequence`
    /// (under 1000) is the millisecond, so events recorded in one second keep their order, as Ward's do.
    mutating func eventID(recorded: Int, sequence: Int) -> String {
        let alphabet = Random.crockford
        var chars = [Character](repeating: "0", count: 26)
        var millis = UInt64(recorded) * 1000 + UInt64(sequence % 1000)
        for index in stride(from: 9, through: 0, by: -1) {
            chars[index] = alphabet[Int(millis & 31)]
            millis >>= 5
        }
        var bits = next()
        for index in 10..<26 {
            if index == 22 { bits = next() }
            chars[index] = alphabet[Int(bits & 31)]
            bits >>= 5
        }
        return String(chars)
    }

    static let crockford = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    /// The alphabet of incident id suffixes, as `ward incident declare` draws them.
    static let idSuffix = Array("abcdefghijklmnopqrstuvwxyz234567")
}

/// Seeds xoshiro from one 64-bit number.
struct SplitMix64 {
    private var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
