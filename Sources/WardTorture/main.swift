// ward-torture: a test helper, not shipped. It drives WardKit's safe-write path in a loop so that tests
// can kill it with SIGKILL at random moments and check that nothing acknowledged is lost or torn.
//
//   ward-torture rewrite STORE RELATIVE-PATH COUNT   rewrite the record's `counter` key COUNT times,
//                                                    printing "ok N" after each write is durable
//   ward-torture hold-lock STORE RELATIVE-PATH       take the record's lock, print "locked", sleep
//   ward-torture supersede STORE CRASH-AT OLD        write a record superseding OLD, killing itself with
//                                                    SIGKILL before its CRASH-AT-th disk-changing call
//   ward-torture renumber STORE CRASH-AT FILE        the same for renumbering FILE
import Foundation
import WardKit

func say(_ text: String) {
    let line = text + "\n"
    _ = line.withCString { write(1, $0, strlen($0)) }
}

let args = CommandLine.arguments
guard args.count >= 4 else {
    FileHandle.standardError.write(Data("usage: ward-torture rewrite|hold-lock STORE PATH [COUNT]\n".utf8))
    exit(2)
}
let files = StoreFiles(root: URL(fileURLWithPath: args[2]))
let path = args.count > 3 ? args[3] : ""

switch args[1] {
case "supersede", "renumber":
    guard args.count >= 5, let crashAt = Int(args[3]) else { exit(2) }
    do {
        let store = try Store(root: URL(fileURLWithPath: args[2]), sys: CrashingSyscalls(crashAt: crashAt), author: "torture@test")
        if args[1] == "supersede" {
            let created = try store.newDecision(title: "Replacement for \(args[4])", supersedes: [Int(args[4]) ?? 0])
            say("ok \(created.path)")
        } else {
            let result = try store.renumberDecision(args[4])
            say("ok \(result.decision.path)")
        }
    } catch {
        say("error \(error)")
        exit(1)
    }
case "rewrite":
    let count = Int(args.count > 4 ? args[4] : "100") ?? 100
    // A large body makes each write take long enough for kills to land in the middle of it.
    let padding = String(repeating: "Padding line to make the record large enough to be caught mid-write.\n", count: 3000)
    for _ in 0..<count {
        do {
            let current = try files.read(path)
            let text = current.map { String(decoding: $0.data, as: UTF8.self) } ?? "---\ncounter: 0\n---\n# Torture\n\(padding)"
            let counter = (text.split(separator: "\n").first { $0.hasPrefix("counter: ") }
                .flatMap { Int($0.dropFirst(9)) } ?? 0) + 1
            let updated = FrontMatterEditor.set("counter", to: String(counter), in: text)!
            try files.replace(path, with: Data(updated.utf8), expecting: current.map { .content($0.hash) } ?? .absent)
            say("ok \(counter)")
        } catch {
            say("error \(error)")
        }
    }
case "hold-lock":
    try files.withLock(path) {
        say("locked")
        while true { sleep(60) }
    }
default:
    exit(2)
}
