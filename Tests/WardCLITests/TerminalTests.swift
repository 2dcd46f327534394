import Foundation
import Testing
@testable import WardKit

/// The real `ward` binary in tmux, driven by keys and read from the screen, as a person would use it.
@Suite(.serialized) struct TerminalTests {
    var ward: String { buildDirectory.appending(path: "ward").path }

    /// `ward`, then `stty -a` into a file, so a test can check the terminal after Ward has left it.
    func session(_ arguments: String = "", width: Int = 100, height: Int = 30, home: Scratch = Scratch(),
                 directory: URL? = nil) throws -> TmuxSession {
        // The wrapper ignores SIGINT as an interactive shell does, so Ctrl-C reaches Ward alone.
        try TmuxSession("sh -c 'trap \"\" INT; \(ward) \(arguments); stty -a > \(home.url.path)/stty.txt; sleep 20'",
                        width: width, height: height, home: home, directory: directory)
    }

    func terminalIsSane(_ home: Scratch) -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let stty = home.read("stty.txt"), !stty.isEmpty {
                let words = stty.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ";" }).map(String.init)
                return words.contains("echo") && words.contains("icanon") && !words.contains("-echo") && !words.contains("-icanon")
            }
            usleep(50_000)
        }
        return false
    }

    @Test func aNewUserBrowsesTheDemoStore() throws {
        let home = Scratch()
        let tmux = try session(home: home)
        tmux.waitFor("demo store, read-only")
        tmux.waitFor("Active incidents")
        tmux.waitFor("Delayed webhook deliveries for some merchants")
        // Every view.
        tmux.keys("2"); tmux.waitFor("[a] active only")
        tmux.keys("a"); tmux.waitFor("Production database deleted by a coding agent")
        tmux.keys("G", "Enter"); tmux.waitFor("── Timeline")
        tmux.waitFor("commander ana")
        tmux.keys("Tab"); tmux.waitFor("Recovery runbook · finished ◂")
        tmux.waitFor("skipped: guard-destructive")
        tmux.keys("Tab"); tmux.waitFor("incident.md ◂")
        tmux.keys("Enter"); tmux.waitFor("post-mortem published")
        tmux.keys("3"); tmux.waitFor("NUM   STATUS")
        tmux.keys("4"); tmux.waitFor("Post-mortems are drafted")
        tmux.keys("5"); tmux.waitFor("recovery                  Recovery")
        tmux.keys("Enter"); tmux.waitFor("items")
        tmux.keys("?"); tmux.waitFor("Keys · any key closes")
        tmux.keys("Escape", ":"); tmux.type("dash"); tmux.keys("Enter"); tmux.waitFor("Active incidents ◂")
        // Search and open a result at its line.
        tmux.keys("/"); tmux.type("eleven hours"); tmux.waitFor("matches")
        tmux.keys("Enter"); tmux.waitFor("0006  Archive WAL continuously")
        tmux.waitFor("eleven hours old")
        // Follow the supersede chain both ways, then the link to the incident.
        tmux.keys("]"); tmux.waitFor("0010  Restore and verify a backup every week")
        tmux.keys("[", "["); tmux.waitFor("0003  Rely on daily provider snapshots")
        tmux.keys("]", "Tab", "j", "j", "Enter"); tmux.waitFor("SEV1  Production database deleted by a coding agent")
        // Resize: too small says so, larger lays out again.
        tmux.resize(60, 20); tmux.waitFor("Make the window larger.")
        tmux.resize(130, 40); tmux.waitFor("── Timeline")
        // Click a row to select it, again to open it.
        tmux.keys("3"); tmux.waitFor("NUM   STATUS")
        // (ESCDELAY is long in these sessions, so a loaded machine cannot split a mouse report in two.)
        tmux.click(x: 10, y: 6); usleep(400_000); tmux.click(x: 10, y: 6)
        tmux.waitFor("0003  Rely on daily provider snapshots")
        tmux.keys("q")
        #expect(terminalIsSane(home), "the terminal was not restored after q")
    }

    @Test func aTeammatesNoteAppearsWithinTwoSeconds() throws {
        let store = Scratch()
        let id = try storeWithIncident(store)
        let tmux = try session("--store \(store.url.path)")
        tmux.waitFor("Checkout returns 500")
        tmux.keys("2", "Enter")
        tmux.waitFor("── Timeline")
        #expect(try run(["log", "--incident", id, "replica lag back to zero"], in: store.url).status == 0)
        let seconds = tmux.timeUntil("replica lag back to zero", timeout: 5)
        #expect(seconds != nil && seconds! < 2, "the note took \(seconds.map { String($0) } ?? "more than 5") s")
        print("a teammate's note appeared in the TUI after \(seconds.map { String(format: "%.2f", $0) } ?? "-") s")
        tmux.keys("q")
    }

    @Test func hostileTextNeverReachesTheTerminal() throws {
        let store = Scratch()
        let id = try storeWithIncident(store)
        let hostile = "boom \u{1B}]0;pwned\u{7} \u{1B}]52;c;cHduZWQ=\u{7} \u{1B}[2J \u{9B}31m \u{202E}evil \u{1B}P1$q\u{1B}\\ done"
        #expect(try run(["log", "--incident", id, hostile], in: store.url).status == 0)
        #expect(try run(["adr", "new", hostile], in: store.url).status == 0)
        let home = Scratch()
        let tmux = try session("--store \(store.url.path)", home: home)
        tmux.waitFor("Checkout returns 500")
        let title = tmux.title
        tmux.keys("2", "Enter"); tmux.waitFor("done")
        let incidentScreen = tmux.screen(escapes: true)
        tmux.keys("3", "Enter"); tmux.waitFor("done")
        let decisionScreen = tmux.screen(escapes: true)
        for screen in [incidentScreen, decisionScreen] {
            #expect(screen.contains("\\u{1B}]0;pwned"))
            #expect(!screen.contains("\u{1B}]"), "an OSC sequence reached the terminal")
            #expect(!screen.contains("\u{1B}P"), "a DCS sequence reached the terminal")
            #expect(!screen.unicodeScalars.contains { $0.value == 0x9B || $0.value == 0x202E })
        }
        #expect(tmux.title == title)
        #expect(!tmux.title.contains("pwned"))
        tmux.keys("q")
        #expect(terminalIsSane(home))
    }

    @Test func aDroppedSessionRestoresTheTerminalAndKeepsTheDraft() throws {
        let store = Scratch()
        _ = try storeWithIncident(store)
        let home = Scratch()
        let first = try session("--store \(store.url.path)", home: home)
        first.waitFor("Checkout returns 500")
        first.keys("/")
        first.type("half typed thou")
        first.waitFor("/ half typed thou")
        // The SSH connection drops: the shell's child, ward, gets SIGHUP.
        let pane = first.panePID
        _ = shell("pkill -HUP -P $(pgrep -P \(pane) || echo 0) -f ward || pkill -HUP -f 'ward --store \(store.url.path)'")
        #expect(terminalIsSane(home), "the terminal was not restored after SIGHUP")
        let second = try session("--store \(store.url.path)", home: home)
        second.waitFor("/ half typed thou")
        second.waitFor("Restored what you were typing")
        second.keys("Escape", "q")
    }
}

extension TerminalTests {
    @Test(arguments: ["C-c", "TERM"])
    func ctrlCAndSIGTERMRestoreTheTerminal(how: String) throws {
        let home = Scratch()
        let tmux = try session(home: home)
        tmux.waitFor("Active incidents")
        if how == "TERM" {
            _ = shell("pkill -TERM -P $(pgrep -P \(tmux.panePID) || echo 0) -f ward")
        } else {
            tmux.keys(how)
        }
        #expect(terminalIsSane(home), "not restored after \(how)")
    }

    /// Other terminals than tmux's own: screen, 8-colour xterm, and a vt100 with no colour at all.
    @Test(arguments: ["screen", "xterm", "vt100", "linux"])
    func itWorksOnOtherTerminalTypes(term: String) throws {
        let home = Scratch()
        let tmux = try TmuxSession("sh -c 'TERM=\(term) \(ward); stty -a > \(home.url.path)/stty.txt; sleep 20'", home: home)
        tmux.waitFor("Active incidents")
        tmux.keys("3")
        tmux.waitFor("NUM   STATUS")
        tmux.keys("q")
        #expect(terminalIsSane(home), "not restored on \(term)")
    }

    @Test func noColorMeansNoColour() throws {
        let tmux = try TmuxSession("env NO_COLOR=1 \(ward)")
        tmux.waitFor("Active incidents")
        let screen = tmux.screen(escapes: true)
        // Bold and reverse still mark things; no SGR colour (30-37, 38;5, 40-47, 90-97) is used.
        let colours = screen.components(separatedBy: "\u{1B}[").filter { sequence in
            let codes = sequence.prefix { $0 != "m" }.split(separator: ";").compactMap { Int($0) }
            return codes.contains { (30...37).contains($0) || (40...47).contains($0) || (90...97).contains($0) || $0 == 38 }
        }
        #expect(colours.isEmpty, "\(colours.prefix(3))")
        let coloured = try TmuxSession(ward)
        coloured.waitFor("Active incidents")
        #expect(coloured.screen(escapes: true).contains("\u{1B}[3"), "colours are used when NO_COLOR is not set")
        tmux.keys("q")
        coloured.keys("q")
    }

    @Test func anEditThatBreaksTheFileIsReportedAndKept() throws {
        let store = Scratch()
        _ = try storeWithIncident(store)
        #expect(try run(["adr", "new", "Editable"], in: store.url).status == 0)
        // An "editor" that breaks the front matter, as a hurried person might.
        let editor = store.url.appending(path: "break-it.sh")
        try "#!/bin/sh\nsed -i 's/^status: proposed/status: [oops/' \"$1\"\n"
            .write(to: editor, atomically: true, encoding: .utf8)
        chmod(editor.path, 0o755)
        let tmux = try TmuxSession("env EDITOR='\(editor.path)' \(ward) --store \(store.url.path)")
        tmux.waitFor("Active incidents")
        tmux.keys("3", "Enter")
        tmux.waitFor("0001  Editable")
        tmux.keys("e")
        tmux.waitFor("Your edit is kept, but Ward cannot read it")
        #expect(store.read("decisions/0001-editable.md")?.contains("status: [oops") == true)
        // e opens the broken file again; this time the "editor" fixes it.
        try "#!/bin/sh\nsed -i 's/^status: \\[oops/status: accepted/' \"$1\"\n".write(to: editor, atomically: true, encoding: .utf8)
        chmod(editor.path, 0o755)
        tmux.keys("e")
        tmux.waitFor("Saved decisions/0001-editable.md")
        tmux.keys("3")
        tmux.waitFor("0001  accepted")
        tmux.keys("q")
    }
}
