import Foundation
import Testing
@testable import WardKit

@Suite struct SecretsTests {
    static let rsaKey = """
        -----BEGIN RSA PRIVATE KEY-----
        MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun
        VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK
        -----END RSA PRIVATE KEY-----
        """
    static let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"

    /// (note, kind, the characters that must be hidden)
    static let examples: [(String, String, String)] = [
        ("key for the jump host:\n\(rsaKey)\nrotate it after", "private-key", rsaKey),
        ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----",
         "private-key",
         "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----"),
        ("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI\n-----END ENCRYPTED PRIVATE KEY-----\nthat's all",
         "private-key",
         "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI\n-----END ENCRYPTED PRIVATE KEY-----"),
        ("leaked aws_access_key_id = AKIAIOSFODNN7EXAMPLE in the build log", "aws-access-key", "AKIAIOSFODNN7EXAMPLE"),
        ("session creds (ASIAY34FZKBOKMUTVV7A) expire at 04:00", "aws-access-key", "ASIAY34FZKBOKMUTVV7A"),
        ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws-secret-key",
         "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        ("export AWS_SECRET_ACCESS_KEY=\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"", "aws-secret-key",
         "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        ("{\"SecretAccessKey\": \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"}", "aws-secret-key",
         "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        ("deploy bot used ghp_16C7e42F292c6912E7710c838347Ae178B4a to push", "github-token",
         "ghp_16C7e42F292c6912E7710c838347Ae178B4a"),
        ("pat: github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "github-token",
         "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz"),
        ("webhook posted with xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "slack-token",
         "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"),
        ("maps?key=AIzaSyA-1234567890abcdefghijklmnopqrstu&v=3", "gcp-api-key", "AIzaSyA-1234567890abcdefghijklmnopqrstu"),
        ("curl -H 'Authorization: Bearer 8f3a9c2e71d04b5f' https://api.internal/v1", "bearer-token", "8f3a9c2e71d04b5f"),
        ("authorization: bearer abcdefghijklmnopqrstuvwxyz", "bearer-token", "abcdefghijklmnopqrstuvwxyz"),
        ("session cookie \(jwt) from the support ticket", "jwt", jwt),
        ("Authorization: Bearer \(jwt)", "jwt", jwt),
        ("psql postgres://admin:s3cretPass@db-1:5432/prod", "url-password", "s3cretPass"),
        ("REDIS_URL=redis://:hunter2@cache:6379/0", "url-password", "hunter2"),
        ("mongodb://ops:p@ss@mongo-0/admin", "url-password", "p@ss"),
        ("DB_PASSWORD=hunter2", "password", "hunter2"),
        ("PGPASSWORD='correct horse' psql -h db", "password", "correct horse"),
        ("{\"user\": \"svc\", \"password\": \"Tr0ub4dor&3\"}", "password", "Tr0ub4dor&3"),
        ("Password: hunter", "password", "hunter"),
        ("spring.datasource.password = changeme", "password", "changeme"),
        ("curl https://api.example.com/v2?api_key=abc123def456&page=2", "password", "abc123def456"),
        ("curl -H 'X-Api-Key: Zm9vYmFy42' https://api.example.com", "password", "Zm9vYmFy42"),
        ("client_secret: 9f8e7d6c5b4a", "password", "9f8e7d6c5b4a"),
        ("GITHUB_TOKEN=abc123xyz ./release.sh", "password", "abc123xyz"),
        ("mysql --password=s3cr3t -u root", "password", "s3cr3t"),
        ("config :app, secret := \"shh\"", "password", "shh"),
        ("{:access_token => 'tok-2024-xyz'}", "password", "tok-2024-xyz"),
        ("token=\(jwt)", "jwt", jwt),
    ]

    @Test(arguments: examples)
    func findsEachKind(text: String, kind: String, secret: String) {
        let matches = Secrets.scan(text)
        #expect(matches.count == 1, "\(matches.map { ($0.kind, String(text[$0.range])) })")
        #expect(matches.first?.kind == kind)
        #expect(matches.first.map { String(text[$0.range]) } == secret)
    }

    @Test(arguments: [
        ("psql postgres://admin:s3cretPass@db-1:5432/prod", "psql postgres://admin:[REDACTED url-password]@db-1:5432/prod"),
        ("export DB_PASSWORD=\"hunter2\" && ./migrate", "export DB_PASSWORD=\"[REDACTED password]\" && ./migrate"),
        ("password=hunter2", "password=[REDACTED password]"),
        ("curl -H 'Authorization: Bearer 8f3a9c2e71d04b5f'", "curl -H 'Authorization: Bearer [REDACTED bearer-token]'"),
        ("Authorization: Bearer \(jwt)", "Authorization: Bearer [REDACTED jwt]"),
        ("key AKIAIOSFODNN7EXAMPLE leaked", "key [REDACTED aws-access-key] leaked"),
        ("before\n\(rsaKey)\nafter", "before\n[REDACTED private-key]\nafter"),
        ("pwd: p@ss wörd", "pwd: [REDACTED password] wörd"),
        ("password=pä\u{301}ss😀\r\nnext line", "password=[REDACTED password]\r\nnext line"),
        ("Server=db;User Id=sa;Password=Sup3r!;Encrypt=true", "Server=db;User Id=sa;Password=[REDACTED password];Encrypt=true"),
    ])
    func redactsOnlyTheSecret(text: String, expected: String) {
        #expect(Secrets.redact(text).text == expected)
    }

    @Test(arguments: [
        "password reset flow is broken",
        "token bucket limiter at 100%",
        "the bearer of bad news",
        "api key rotation done",
        "ssh-keygen -t ed25519",
        "Bearer tokens are rotated nightly",
        "Authorization: Bearer",
        "https://example.com:8080/x",
        "ssh deploy@bastion-2 and ssh://git@github.com:22/org/repo",
        "mail user@host about it",
        "Password reset: done by 03:20",
        "token: expired",
        "token: auto-renewed",
        "token: a1",
        "pass: 3/5 checks",
        "password=",
        "password: ",
        "bypass=true",
        "if token == nil { return }",
        "OLDPWD=/home/oncall",
        "PWD=/srv/app",
        "password=$DB_PASSWORD",
        "password=${DB_PASSWORD}",
        "password=******",
        "AKIAIOSFODNN7EXAMPL is one short",
        "AKIAIOSFODNN7EXAMPLEX is one long",
        "ghp_short",
        "xoxb-123",
        "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1L\n-----END PUBLIC KEY-----",
        "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBa\n-----END CERTIFICATE-----",
        "max_tokens=4096",
        "",
        "😀🇺🇸 e\u{301} \r\n",
    ])
    func ordinaryNotesAreLeftAlone(text: String) {
        let matches = Secrets.scan(text)
        #expect(matches.isEmpty, "\(matches.map { ($0.kind, String(text[$0.range])) })")
        #expect(Secrets.redact(text) == (text, []))
    }

    /// A password-like key needs only a value (after `:`, one of four characters or more); other keys need a
    /// value that looks generated, so `token=expired` stays text.
    @Test(arguments: [
        ("token: abc123def", true),
        ("token: abcdef", false),
        ("token: abc12", false),
        ("token = abcdef", false),
        ("token = abc1def", true),
        ("token=a", false),
        ("token=expired for 3 users", false),
        ("token=0123456789abcdefABCDEF", true),
        ("password=a", true),
        ("password: see vault", false),
        ("secret: xyzw", true),
        ("passwd: hunter", true),
        ("pass: hunter", false),
        ("pass: hunter22", true),
        ("api_key: \"has a space 123\"", false),
        ("password: \"has a space\"", true),
    ])
    func colonNeedsACredentialLookingValue(text: String, matches: Bool) {
        #expect(!Secrets.scan(text).isEmpty == matches)
    }

    @Test func manySecretsInOneNote() {
        let note = """
            03:12 paged; db creds in the runbook were DB_PASSWORD=hunter2
            03:15 curl -H "Authorization: Bearer 8f3a9c2e71d04b5f" https://api/v1/health -> 500
            03:20 psql postgres://admin:s3cretPass@db-1:5432/prod
            03:31 found AKIAIOSFODNN7EXAMPLE in the CI log; ghp_16C7e42F292c6912E7710c838347Ae178B4a too
            03:40 token bucket limiter at 100%, password reset flow still broken
            """
        let (redacted, kinds) = Secrets.redact(note)
        #expect(kinds == ["password", "bearer-token", "url-password", "aws-access-key", "github-token"])
        #expect(redacted == """
            03:12 paged; db creds in the runbook were DB_PASSWORD=[REDACTED password]
            03:15 curl -H "Authorization: Bearer [REDACTED bearer-token]" https://api/v1/health -> 500
            03:20 psql postgres://admin:[REDACTED url-password]@db-1:5432/prod
            03:31 found [REDACTED aws-access-key] in the CI log; [REDACTED github-token] too
            03:40 token bucket limiter at 100%, password reset flow still broken
            """)
        let matches = Secrets.scan(note)
        #expect(zip(matches, matches.dropFirst()).allSatisfy { $0.range.upperBound <= $1.range.lowerBound })
        // Redacting is idempotent: the markers themselves are not secrets.
        #expect(Secrets.redact(redacted) == (redacted, []))
        #expect(Secrets.describe(kinds) == "5 secrets (password, bearer-token, url-password, aws-access-key, github-token)")
    }

    @Test func anUnterminatedPrivateKeyRunsToTheEnd() {
        let note = "pasted by mistake:\n-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBYvJ2kQ\nAKIAIOSFODNN7EXAMPLE\nrest of note"
        let matches = Secrets.scan(note)
        #expect(matches.map(\.kind) == ["private-key"])
        #expect(matches.first.map { String(note[$0.range]) } == "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBYvJ2kQ\nAKIAIOSFODNN7EXAMPLE\nrest of note")
        #expect(Secrets.redact(note).text == "pasted by mistake:\n[REDACTED private-key]")
        // An END line for another label does not close it either.
        let mismatched = "-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END DSA PRIVATE KEY-----\ntail"
        #expect(Secrets.redact(mismatched).text == "[REDACTED private-key]")
    }

    @Test func overlapsKeepOneMatch() {
        // The private key hides what is inside it; a token after `token=` is reported by its own kind.
        #expect(Secrets.redact("token=ghp_16C7e42F292c6912E7710c838347Ae178B4a").kinds == ["github-token"])
        #expect(Secrets.redact("Bearer \(Self.jwt)").kinds == ["jwt"])
        #expect(Secrets.redact("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").kinds == ["aws-secret-key"])
        #expect(Secrets.redact("aws_secret_access_key=tooShort1").kinds == ["password"])
    }

    @Test func describeCountsAndNamesKinds() {
        #expect(Secrets.describe(["aws-access-key"]) == "1 secret (aws-access-key)")
        #expect(Secrets.describe(["bearer-token", "password", "bearer-token"]) == "3 secrets (bearer-token, password)")
        #expect(Secrets.describe([]) == "no secrets")
    }

    @Test func largeAndHostileInputFinishes() {
        var rng = SeededGenerator(seed: 42)
        let pieces = ["password", "=", ":", " ", "\n", "\r\n", "Bearer ", "eyJ", "abc", ".", "AKIA", "ghp_", "xoxb-", "AIza",
                      "://", "@", "\"", "'", "-----BEGIN ", "PRIVATE KEY-----", "-----END ", "😀", "e\u{301}", "🇺🇸", "日本",
                      "0123456789", "ABCDEFGHIJKLMNOP", "/", "$", "token", "_", "-", "\u{0}", "\u{1B}[2J"]
        var text = ""
        while text.utf8.count < 100_000 { text += pieces[Int(rng.next() % UInt64(pieces.count))] }
        let matches = Secrets.scan(text)
        #expect(zip(matches, matches.dropFirst()).allSatisfy { $0.range.upperBound <= $1.range.lowerBound })
        #expect(matches.allSatisfy { !$0.range.isEmpty && $0.range.upperBound <= text.endIndex })
        #expect(Secrets.redact(text).kinds.count == matches.count)

        // Inputs built to make a naive scanner re-read the same run again and again.
        for unit in ["AIza-", "xoxb-", "eyJab", "password=", "pwd=/", "a://", "-----BEGIN PRIVATE KEY-----", "Bearer ",
                     "token:'a b ", "eyJabcde.eyJ"] {
            let hostile = String(repeating: unit, count: 60_000 / unit.utf8.count)
            _ = Secrets.redact(hostile)
        }
    }
}

