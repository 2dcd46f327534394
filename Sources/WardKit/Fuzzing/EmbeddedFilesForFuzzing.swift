// Compiled only into the fuzzing build (WARD_FUZZ=1 in the environment of `swift build`, see
// Sources/WardFuzz/main.swift), which cannot run the EmbedFiles build tool: libFuzzer's main would replace its
// own. The parsers under the fuzzer need no built-in templates or demo store.
enum EmbeddedFiles {
    static let templates: [String: String] = [:]
    static let demoStore: [String: String] = [:]
}

enum SourceFingerprint {
    static let value = "fuzzing"
}
