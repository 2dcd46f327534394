import Foundation

/// One secret found in a note: what kind it is and exactly which characters to hide.
public struct SecretMatch: Equatable, Sendable {
    /// A short kebab-case name: "private-key", "aws-access-key", "aws-secret-key", "github-token", "slack-token",
    /// "gcp-api-key", "bearer-token", "jwt", "url-password", "password".
    public var kind: String
    /// The characters to hide (only the secret itself, not its label: for `password=hunter2` only `hunter2`,
    /// for `Authorization: Bearer abc...` only the token, for `postgres://admin:s3cret@db:5432/x` only `s3cret`).
    public var range: Range<String.Index>
}

/// Finds credentials pasted into incident notes, so they can be redacted before the note is written to disk.
///
/// The scanner is hand-written rather than a regex: it works on one code per Character (ASCII characters as
/// themselves, other whitespace as a space or newline, everything else as 0x80), so every range falls on a
/// Character boundary, and each detector either moves forward past what it has read or reads a bounded
/// amount, so the whole scan stays linear on any input.
///
/// Rules for the ambiguous cases:
/// - Fixed-prefix keys (AWS access key ids, GitHub, Slack, Google) must start a word: not right after a letter,
///   digit or `_`. AWS ids are exactly 20 characters and must also end a word; the others take their whole run
///   of key characters once it is long enough (Google: `AIza` + 35 or more).
/// - Bearer: `bearer` (any case, as a word) then spaces or tabs then a token of 8+ characters from
///   `[A-Za-z0-9._~+/=-]` that contains a digit or is 20+ characters long. "the bearer of bad news" does not match.
/// - Key=value (kind "password"): the keys are password, passwd, pwd, pass, secret, client_secret, secret_key,
///   secret_access_key, api_key, apikey, api-key, access_token, auth_token and token, in any case. The identifier
///   before the separator (`[A-Za-z0-9_.-]`, `-` and `.` read as `_`) must be one of the keys, or end with `_` and
///   one (`DB_PASSWORD`, `x-api-key`, `client_secret`, `GITHUB_TOKEN`), or, for
///   `password`/`passwd` only, end with it glued (`PGPASSWORD`); so `bypass=1` and `OLDPWD=` do not count.
///   For password/passwd/pwd/secret keys, any value after `=` counts, and after `:` one of 4 characters or more;
///   for the other keys the value must look generated (16+ characters, or 6+ with a digit or symbol), so
///   `token=expired` is text. Separators are `=`, `:=`, `=>` and `:`; symbols do not include `-` `.`, which
///   ordinary words have. A value is either quoted (to the closing quote, or the end of the line) or bare
///   (to whitespace, a quote, `,`, `;` or `&`). Not secrets: an empty value, `***`, `[REDACTED ...]` (so redacting
///   twice changes nothing), a variable reference (`$DB_PASSWORD`, `${DB_PASSWORD}`), a path after `pwd`
///   (`PWD=/home/x` from `env`), the word `Bearer`, and `user:pass` right after `://` (that is a URL password).
/// - URL passwords: `scheme://user:password@host`; the authority ends at whitespace, `/`, `?`, `#`, quotes or
///   angle brackets, and the password runs from the first `:` to the last `@` in it, so an unencoded `@` in the
///   password is still hidden.
/// - Private keys: `-----BEGIN <label> PRIVATE KEY-----` through `-----END <same label>-----`, or to the end of
///   the text when that line is missing.
/// - Overlaps: the match that starts first wins, then the longer one, then the more specific kind (a JWT after
///   `Bearer`, or a GitHub token after `token=`, is reported once, by its own kind).
public enum Secrets {
    /// Every secret found, in text order, never overlapping (when two patterns overlap keep the earlier/longer one).
    public static func scan(_ text: String) -> [SecretMatch] {
        guard !text.isEmpty else { return [] }
        var indices: [String.Index] = []
        var codes: [UInt8] = []
        indices.reserveCapacity(text.utf8.count + 1)
        codes.reserveCapacity(text.utf8.count)
        var i = text.startIndex
        while i < text.endIndex {
            let next = text.index(after: i)
            indices.append(i)
            codes.append(code(text[i..<next]))
            i = next
        }
        indices.append(text.endIndex)

        var scanner = Scanner(c: codes)
        scanner.privateKeys()
        scanner.awsAccessKeys()
        scanner.prefixedTokens()
        scanner.jwts()
        scanner.bearerTokens()
        scanner.urlPasswords()
        scanner.keyValues()

        let sorted = scanner.found.sorted { a, b in
            if a.start != b.start { return a.start < b.start }
            if a.end - a.start != b.end - b.start { return a.end - a.start > b.end - b.start }
            return a.kind.rawValue < b.kind.rawValue
        }
        var matches: [SecretMatch] = []
        var lastEnd = 0
        for candidate in sorted where candidate.start >= lastEnd && candidate.end > candidate.start {
            matches.append(SecretMatch(kind: candidate.kind.name, range: indices[candidate.start]..<indices[candidate.end]))
            lastEnd = candidate.end
        }
        return matches
    }

    /// The text with each match replaced by `[REDACTED <kind>]`, and the kinds found (in order, duplicates kept).
    public static func redact(_ text: String) -> (text: String, kinds: [String]) {
        let matches = scan(text)
        guard !matches.isEmpty else { return (text, []) }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var last = text.startIndex
        for match in matches {
            out += text[last..<match.range.lowerBound]
            out += "[REDACTED \(match.kind)]"
            last = match.range.upperBound
        }
        out += text[last...]
        return (out, matches.map(\.kind))
    }

    /// "1 secret (aws-access-key)" / "3 secrets (bearer-token, password)": distinct kinds, for messages.
    public static func describe(_ kinds: [String]) -> String {
        guard !kinds.isEmpty else { return "no secrets" }
        var distinct: [String] = []
        for kind in kinds where !distinct.contains(kind) { distinct.append(kind) }
        return "\(kinds.count) secret\(kinds.count == 1 ? "" : "s") (\(distinct.joined(separator: ", ")))"
    }

    // MARK: - Scanning

    /// One code per Character: ASCII as itself (CRLF reads as LF), other newlines as LF, other whitespace as a
    /// space, anything else (letters with combining marks, emoji, other scripts) as 0x80.
    private static func code(_ character: Substring) -> UInt8 {
        let ch = character.first!
        if let ascii = ch.asciiValue { return ascii }
        if ch.isNewline { return 0x0A }
        if ch.isWhitespace { return 0x20 }
        return 0x80
    }

    /// Lower raw value = more specific: it wins a tie between matches with the same range.
    private enum Kind: Int {
        case privateKey, awsAccessKey, awsSecretKey, githubToken, slackToken, gcpAPIKey, jwt, urlPassword,
             bearerToken, password

        var name: String {
            switch self {
            case .privateKey: "private-key"
            case .awsAccessKey: "aws-access-key"
            case .awsSecretKey: "aws-secret-key"
            case .githubToken: "github-token"
            case .slackToken: "slack-token"
            case .gcpAPIKey: "gcp-api-key"
            case .jwt: "jwt"
            case .urlPassword: "url-password"
            case .bearerToken: "bearer-token"
            case .password: "password"
            }
        }
    }

    private struct Candidate {
        var start: Int
        var end: Int
        var kind: Kind
    }

    private enum Byte {
        static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        static func isUpper(_ b: UInt8) -> Bool { b >= 0x41 && b <= 0x5A }
        static func isLower(_ b: UInt8) -> Bool { b >= 0x61 && b <= 0x7A }
        static func isAlnum(_ b: UInt8) -> Bool { isDigit(b) || isUpper(b) || isLower(b) }
        static func isWord(_ b: UInt8) -> Bool { isAlnum(b) || b == 0x5F }
        static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }
        static func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
        static func isQuote(_ b: UInt8) -> Bool { b == 0x22 || b == 0x27 || b == 0x60 }
        static func lowered(_ b: UInt8) -> UInt8 { isUpper(b) ? b + 0x20 : b }
        /// Letters, digits, `_`, `-`, `.`: the characters of a key such as `spring.datasource.password`.
        static func isIdent(_ b: UInt8) -> Bool { isWord(b) || b == 0x2D || b == 0x2E }
        /// `[A-Za-z0-9_-]`, as in JWT segments and Google API keys.
        static func isBase64URL(_ b: UInt8) -> Bool { isWord(b) || b == 0x2D }
        /// `[A-Za-z0-9/+=]`, as in AWS secret access keys.
        static func isBase64(_ b: UInt8) -> Bool { isAlnum(b) || b == 0x2F || b == 0x2B || b == 0x3D }
        /// `[A-Za-z0-9._~+/=-]`, as in bearer tokens.
        static func isToken(_ b: UInt8) -> Bool {
            isAlnum(b) || b == 0x2E || b == 0x5F || b == 0x7E || b == 0x2B || b == 0x2F || b == 0x3D || b == 0x2D
        }
        /// ASCII punctuation that does not also appear inside ordinary words (`-`, `.`).
        static func isSymbol(_ b: UInt8) -> Bool { b > 0x20 && b < 0x7F && !isAlnum(b) && b != 0x2D && b != 0x2E }
        /// Where a bare (unquoted) value stops besides whitespace.
        static func endsBareValue(_ b: UInt8) -> Bool { isQuote(b) || b == 0x2C || b == 0x3B || b == 0x26 }
        /// Where a URL authority stops: whitespace, `/ ? #`, quotes, `< >`.
        static func endsAuthority(_ b: UInt8) -> Bool {
            isSpace(b) || b == 0 || b == 0x2F || b == 0x3F || b == 0x23 || isQuote(b) || b == 0x3C || b == 0x3E
        }
    }

    private struct Scanner {
        let c: [UInt8]
        var found: [Candidate] = []
        var n: Int { c.count }

        init(c: [UInt8]) { self.c = c }

        /// The code at `i`, or 0 outside the text (0 belongs to no class, so it acts as a boundary).
        subscript(_ i: Int) -> UInt8 { i >= 0 && i < c.count ? c[i] : 0 }

        /// Whether `literal` is at `i`; with `ignoringCase`, `literal` must be lower case.
        func has(_ literal: [UInt8], at i: Int, ignoringCase: Bool = false) -> Bool {
            guard i >= 0, i + literal.count <= c.count else { return false }
            for (k, b) in literal.enumerated() {
                let x = ignoringCase ? Byte.lowered(c[i + k]) : c[i + k]
                if x != b { return false }
            }
            return true
        }

        /// The end of the run of codes from `i` that satisfy `ok`, reading at most `limit` of them.
        func run(from i: Int, limit: Int = .max, _ ok: (UInt8) -> Bool) -> Int {
            var j = max(i, 0)
            while j < c.count && j - i < limit && ok(c[j]) { j += 1 }
            return j
        }

        mutating func add(_ start: Int, _ end: Int, _ kind: Kind) {
            found.append(Candidate(start: start, end: end, kind: kind))
        }

        // MARK: Detectors

        mutating func privateKeys() {
            let begin = Array("-----BEGIN ".utf8), dashes = Array("-----".utf8)
            var i = 0
            while i < n {
                guard c[i] == 0x2D, has(begin, at: i) else { i += 1; continue }
                let labelStart = i + begin.count
                let labelEnd = run(from: labelStart, limit: 64) { Byte.isUpper($0) || Byte.isDigit($0) || $0 == 0x20 }
                let label = String(decoding: c[labelStart..<labelEnd], as: UTF8.self)
                guard has(dashes, at: labelEnd), label.contains("PRIVATE KEY") else { i += 1; continue }
                let endLine = Array("-----END \(label)-----".utf8)
                var stop = n
                var j = labelEnd + dashes.count
                while j < n {
                    if c[j] == 0x2D && has(endLine, at: j) { stop = j + endLine.count; break }
                    j += 1
                }
                add(i, stop, .privateKey)
                i = stop
            }
        }

        mutating func awsAccessKeys() {
            let prefixes = ["AKIA", "ASIA", "ABIA", "ACCA"].map { Array($0.utf8) }
            for i in 0..<n where c[i] == 0x41 && !Byte.isWord(self[i - 1]) && prefixes.contains(where: { has($0, at: i) }) {
                let end = run(from: i + 4, limit: 17) { Byte.isUpper($0) || Byte.isDigit($0) }
                if end - (i + 4) == 16 && !Byte.isWord(self[end]) { add(i, end, .awsAccessKey) }
            }
        }

        /// GitHub, Slack and Google keys: a fixed prefix at the start of a word, then a run of key characters.
        /// After each candidate the scan resumes at the end of its run: a prefix found inside the run would only
        /// give a shorter run, which fails or overlaps.
        mutating func prefixedTokens() {
            let github = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"].map { Array($0.utf8) }
            let githubPAT = Array("github_pat_".utf8), slack = Array("xox".utf8), google = Array("AIza".utf8)
            var i = 0
            while i < n {
                let b = c[i]
                guard b == 0x67 || b == 0x78 || b == 0x41, !Byte.isWord(self[i - 1]) else { i += 1; continue }
                var end = i + 1
                if b == 0x67, has(githubPAT, at: i) {
                    end = run(from: i + 11, Byte.isWord)
                    if end - (i + 11) >= 22 { add(i, end, .githubToken) }
                } else if b == 0x67, github.contains(where: { has($0, at: i) }) {
                    end = run(from: i + 4, Byte.isAlnum)
                    if end - (i + 4) >= 36 { add(i, end, .githubToken) }
                } else if b == 0x78, has(slack, at: i), [0x61, 0x62, 0x70, 0x72, 0x73].contains(self[i + 3]),
                          self[i + 4] == 0x2D {
                    end = run(from: i + 5) { Byte.isAlnum($0) || $0 == 0x2D }
                    if end - (i + 5) >= 10 { add(i, end, .slackToken) }
                } else if b == 0x41, has(google, at: i) {
                    end = run(from: i + 4, Byte.isBase64URL)
                    if end - (i + 4) >= 35 { add(i, end, .gcpAPIKey) }
                }
                i = max(i + 1, end)
            }
        }

        /// `eyJ<5+>.eyJ<5+>.<5+>` over `[A-Za-z0-9_-]`.
        mutating func jwts() {
            let head = Array("eyJ".utf8)
            var i = 0
            while i < n {
                guard c[i] == 0x65, has(head, at: i) else { i += 1; continue }
                let end1 = run(from: i + 3, Byte.isBase64URL)
                var next = end1
                if end1 - (i + 3) >= 5, self[end1] == 0x2E, has(head, at: end1 + 1) {
                    let end2 = run(from: end1 + 4, Byte.isBase64URL)
                    if end2 - (end1 + 4) >= 5, self[end2] == 0x2E {
                        let end3 = run(from: end2 + 1, Byte.isBase64URL)
                        if end3 - (end2 + 1) >= 5 {
                            add(i, end3, .jwt)
                            next = end3
                        }
                    }
                }
                i = max(i + 1, next)
            }
        }

        mutating func bearerTokens() {
            let bearer = Array("bearer".utf8)
            for i in 0..<n where Byte.lowered(c[i]) == 0x62 && !Byte.isWord(self[i - 1]) && has(bearer, at: i, ignoringCase: true) {
                var start = i + 6
                guard Byte.isBlank(self[start]) else { continue }
                while Byte.isBlank(self[start]) { start += 1 }
                let end = run(from: start, Byte.isToken)
                let length = end - start
                guard length >= 8, length >= 20 || c[start..<end].contains(where: Byte.isDigit) else { continue }
                add(start, end, .bearerToken)
            }
        }

        mutating func urlPasswords() {
            var i = 1
            while i < n {
                guard c[i] == 0x3A, self[i + 1] == 0x2F, self[i + 2] == 0x2F, Byte.isAlnum(self[i - 1]) else {
                    i += 1
                    continue
                }
                let start = i + 3
                let end = run(from: start, limit: 1024) { !Byte.endsAuthority($0) }
                if let at = (start..<end).last(where: { c[$0] == 0x40 }),
                   let colon = (start..<at).first(where: { c[$0] == 0x3A }), colon + 1 < at {
                    add(colon + 1, at, .urlPassword)
                }
                i = max(i + 1, end)
            }
        }

        private struct Key {
            var awsSecret: Bool
            /// password/passwd/pwd/secret: `:` counts with any value.
            var strong: Bool
            var pwd: Bool
        }

        private static let keys = ["password", "passwd", "pwd", "pass", "secret", "client_secret", "secret_key",
                                   "secret_access_key", "api_key", "apikey", "access_token", "auth_token", "token"]
        private static let strongKeys: Set<String> = ["password", "passwd", "pwd", "secret"]

        /// The key whose separator is at `sep`, if the identifier before it (allowing a closing quote and
        /// spaces) names a secret.
        private func key(before sep: Int) -> Key? {
            var k = sep
            while k > 0, Byte.isBlank(c[k - 1]), sep - k < 8 { k -= 1 }
            if k > 0, c[k - 1] == 0x22 || c[k - 1] == 0x27 { k -= 1 }
            let idEnd = k
            while k > 0, Byte.isIdent(c[k - 1]), idEnd - k < 64 { k -= 1 }
            guard k < idEnd else { return nil }
            let whole = k == 0 || !Byte.isIdent(c[k - 1])
            // `scheme://user:pass@host` is the URL detector's.
            if c[sep] == 0x3A, self[k - 1] == 0x2F, self[k - 2] == 0x2F { return nil }
            let id = String(decoding: c[k..<idEnd].map { b -> UInt8 in
                let l = Byte.lowered(b)
                return l == 0x2D || l == 0x2E ? 0x5F : l
            }, as: UTF8.self)
            let awsSecret = id.replacingOccurrences(of: "_", with: "").hasSuffix("secretaccesskey")
            let matched = Self.keys.first { key in
                (whole && id == key) || id.hasSuffix("_" + key) || ((key == "password" || key == "passwd") && id.hasSuffix(key))
            }
            guard awsSecret || matched != nil else { return nil }
            return Key(awsSecret: awsSecret, strong: matched.map { Self.strongKeys.contains($0) } ?? false,
                       pwd: matched == "pwd")
        }

        mutating func keyValues() {
            // For each quote character: the next position at or after i holding it or a line end.
            var nextStop: [UInt8: [Int]] = [:]
            var i = 0
            while i < n {
                let b = c[i]
                guard b == 0x3D || b == 0x3A else { i += 1; continue }
                var valueStart = i + 1
                var isColon = b == 0x3A
                if b == 0x3D {
                    // `==` is a comparison; `:=` was read at its colon; `=>` is a separator.
                    if self[i + 1] == 0x3D || self[i - 1] == 0x3D || self[i - 1] == 0x3A { i += 1; continue }
                    if self[i + 1] == 0x3E { valueStart = i + 2 }
                } else {
                    if self[i + 1] == 0x3A || self[i - 1] == 0x3A { i += 1; continue }
                    if self[i + 1] == 0x3D { isColon = false; valueStart = i + 2 }
                }
                guard let key = key(before: i) else { i += 1; continue }
                while Byte.isBlank(self[valueStart]) { valueStart += 1 }

                if key.awsSecret {
                    let start = Byte.isQuote(self[valueStart]) ? valueStart + 1 : valueStart
                    let end = run(from: start, limit: 41, Byte.isBase64)
                    if end - start == 40 {
                        add(start, end, .awsSecretKey)
                        i = end
                        continue
                    }
                }

                let quote = self[valueStart]
                let start: Int, end: Int
                if Byte.isQuote(quote) {
                    if nextStop[quote] == nil { nextStop[quote] = stops(quote) }
                    start = valueStart + 1
                    end = start < n ? nextStop[quote]![start] : n
                } else {
                    start = valueStart
                    end = run(from: start) { !Byte.isSpace($0) && !Byte.endsBareValue($0) }
                }
                if accepts(start..<end, key: key, afterColon: isColon) { add(start, end, .password) }
                // A bare value is whitespace-free, so nothing inside it starts another pair worth reading.
                i = Byte.isQuote(quote) ? i + 1 : max(i + 1, end)
            }
        }

        private func stops(_ quote: UInt8) -> [Int] {
            var result = [Int](repeating: n, count: n)
            var next = n
            for j in stride(from: n - 1, through: 0, by: -1) {
                if c[j] == quote || c[j] == 0x0A || c[j] == 0x0D { next = j }
                result[j] = next
            }
            return result
        }

        private func accepts(_ value: Range<Int>, key: Key, afterColon: Bool) -> Bool {
            guard !value.isEmpty else { return false }
            let v = c[value]
            if has(Array("[redacted".utf8), at: value.lowerBound, ignoringCase: true) { return false }
            if v.allSatisfy({ $0 == 0x2A }) { return false }
            if v.count == 6 && has(Array("bearer".utf8), at: value.lowerBound, ignoringCase: true) { return false }
            if key.pwd, v.first == 0x2F || v.first == 0x7E { return false }
            if isVariableReference(v) { return false }
            // A password is whatever follows its key, but one short word after a colon is prose
            // ("password: see vault"). A token's value must look like one: "token=expired" is a state.
            if key.strong { return !afterColon || v.count >= 4 }
            let looksGenerated = v.count >= 16 || (v.count >= 6 && v.contains { Byte.isDigit($0) || Byte.isSymbol($0) })
            return looksGenerated && !v.contains(where: Byte.isSpace)
        }

        /// `$NAME` (upper case) or `${...}`: a reference to a secret, not the secret.
        private func isVariableReference(_ v: ArraySlice<UInt8>) -> Bool {
            guard v.first == 0x24, v.count >= 2 else { return false }
            let rest = v.dropFirst()
            if rest.first == 0x7B { return rest.last == 0x7D && rest.count >= 3 }
            return rest.allSatisfy { Byte.isUpper($0) || Byte.isDigit($0) || $0 == 0x5F } && !Byte.isDigit(rest.first!)
        }
    }
}
