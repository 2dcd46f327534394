import CNcursesw
import Foundation
import WardTUI

/// What the terminal reports between frames.
public enum TerminalEvent: Sendable, Equatable {
    case key(Key)
    case mouse(Mouse)
    case resize(width: Int, height: Int)
}

/// Signals that end the session: set from the handler, read by the main loop (endwin is not async-signal-safe).
nonisolated(unsafe) private var pendingSignal: Int32 = 0

private func recordSignal(_ signal: Int32) {
    pendingSignal = signal
}

/// The ncurses backend: puts a `Screen` on the terminal, redrawing only the cells that changed, and turns
/// `get_wch` input into keys, mouse events and resizes. The only code in Ward that touches curses.
public final class CursesTerminal {
    public enum Colors: Sendable { case full, basic, none }

    private var previous: Screen?
    private var pairs: [Int: Int16] = [:]
    public private(set) var colors: Colors = .none
    private var running = false
    private var lastPress: (Int, Int)?

    /// The signal (SIGTERM, SIGHUP, SIGINT) that asked the session to end, if any.
    public var receivedSignal: Int32? { pendingSignal == 0 ? nil : pendingSignal }

    public init() {}

    /// Starts curses. `noColor` comes from `NO_COLOR`.
    public func start(noColor: Bool) {
        setlocale(LC_ALL, "")
        for sig in [SIGTERM, SIGHUP, SIGINT] {
            signal(sig) { recordSignal($0) }
        }
        initscr()
        cbreak()
        noecho()
        nonl()
        intrflush(ward_stdscr(), false)
        keypad(ward_stdscr(), true)
        // Escape reacts at once by default; ESCDELAY (ms) can give a slow link time to send whole sequences.
        set_escdelay(Int32(ProcessInfo.processInfo.environment["ESCDELAY"] ?? "") ?? 25)
        curs_set(0)
        mousemask(ward_all_mouse_events(), nil)
        mouseinterval(0)
        // Pasted text arrives as one event: a pasted line break must not act as Enter and run what follows.
        define_key("\u{1B}[200~", ward_key_paste_start())
        define_key("\u{1B}[201~", ward_key_paste_end())
        writeToTerminal("\u{1B}[?2004h")
        if !noColor && has_colors() {
            start_color()
            use_default_colors()
            colors = ward_colors() >= 256 ? .full : .basic
        }
        running = true
        previous = nil
    }

    /// Restores the terminal. Safe to call more than once.
    public func stop() {
        guard running else { return }
        running = false
        writeToTerminal("\u{1B}[?2004l")
        curs_set(1)
        endwin()
    }

    public var size: (width: Int, height: Int) { (Int(ward_cols()), Int(ward_lines())) }

    /// Draws the screen, writing only cells that differ from the last frame. `cursor` shows the cursor there.
    public func draw(_ screen: Screen, cursor: (x: Int, y: Int)? = nil) {
        let full = previous == nil || previous!.width != screen.width || previous!.height != screen.height
        if full { wclear(ward_stdscr()) }
        for y in 0..<screen.height {
            for x in 0..<screen.width {
                let cell = screen[x, y]
                if !full, let previous, previous[x, y] == cell { continue }
                if cell.text.isEmpty { continue }  // the right half of a wide character
                wattrset(ward_stdscr(), Int32(truncatingIfNeeded: attributes(for: cell.style)))
                mvwaddstr(ward_stdscr(), Int32(y), Int32(x), cell.text)
            }
        }
        wattrset(ward_stdscr(), Int32(truncatingIfNeeded: ward_a_normal()))
        if let cursor {
            curs_set(1)
            wmove(ward_stdscr(), Int32(cursor.y), Int32(cursor.x))
        } else {
            curs_set(0)
        }
        wrefresh(ward_stdscr())
        previous = screen
    }

    /// Forgets what is on the terminal, so the next draw repaints everything.
    public func invalidate() { previous = nil }

    /// Waits up to `milliseconds` for input.
    public func next(timeout milliseconds: Int32) -> TerminalEvent? {
        wtimeout(ward_stdscr(), milliseconds)
        var value: wint_t = 0
        let result = wget_wch(ward_stdscr(), &value)
        if result == ERR { return nil }
        let code = Int32(value)
        if result == KEY_CODE_YES {
            if code == ward_key_resize() {
                previous = nil
                return .resize(width: Int(ward_cols()), height: Int(ward_lines()))
            }
            if code == ward_key_mouse() { return mouseEvent() }
            if code == ward_key_paste_start() { return .key(.paste(readPaste())) }
            if code == ward_key_paste_end() { return nil }
            return functionKey(code).map { .key($0) }
        }
        return character(code).map { .key($0) }
    }

    /// Leaves curses to run something in the terminal (an editor), then comes back and repaints.
    public func suspend<T>(_ body: () throws -> T) rethrows -> T {
        def_prog_mode()
        writeToTerminal("\u{1B}[?2004l")
        endwin()
        defer {
            reset_prog_mode()
            writeToTerminal("\u{1B}[?2004h")
            previous = nil
            wclear(ward_stdscr())
            wrefresh(ward_stdscr())
        }
        return try body()
    }

    // MARK: Input

    /// Everything up to the end of a bracketed paste (or a pause of a second, if the end never comes).
    private func readPaste() -> String {
        var text = ""
        wtimeout(ward_stdscr(), 1000)
        while text.unicodeScalars.count < 1 << 20 {
            var value: wint_t = 0
            let result = wget_wch(ward_stdscr(), &value)
            if result == ERR { break }
            let code = Int32(value)
            if result == KEY_CODE_YES {
                if code == ward_key_paste_end() { break }
                continue
            }
            if code == 13 || code == 10 { text.append("\n"); continue }
            if code == 9 { text.append("\t"); continue }
            if let scalar = UnicodeScalar(UInt32(code)), code >= 32 { text.unicodeScalars.append(scalar) }
        }
        return text
    }

    /// Sends a control sequence curses does not know about, straight to the terminal.
    private func writeToTerminal(_ sequence: String) {
        fflush(nil)
        let bytes = Array(sequence.utf8)
        _ = bytes.withUnsafeBufferPointer { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    }

    private func character(_ code: Int32) -> Key? {
        switch code {
        case 27: return .escape
        case 9: return .tab
        case 10, 13: return .enter
        case 8, 127: return .backspace
        case 1...26: return .control(Character(UnicodeScalar(UInt8(code + 96))))
        default:
            guard code >= 32, let scalar = UnicodeScalar(UInt32(code)) else { return nil }
            return .character(Character(scalar))
        }
    }

    private func functionKey(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_BTAB: return .backTab
        default:
            for n in 1...12 where code == ward_key_f(Int32(n)) { return .function(n) }
            return nil
        }
    }

    private func mouseEvent() -> TerminalEvent? {
        var event = MEVENT()
        guard getmouse(&event) == OK else { return nil }
        let state = event.bstate
        let x = Int(event.x), y = Int(event.y)
        if state & ward_wheel_up() != 0 { return .mouse(Mouse(.wheelUp, x: x, y: y)) }
        if ward_wheel_down() != 0, state & ward_wheel_down() != 0 { return .mouse(Mouse(.wheelDown, x: x, y: y)) }
        // One click is one press: terminals report a press then a release, or (by ncurses) a release alone.
        if state & ward_button1_pressed() != 0 {
            lastPress = (x, y)
            return .mouse(Mouse(.press, x: x, y: y))
        }
        if state & ward_button1_released() != 0 {
            defer { lastPress = nil }
            if let lastPress, lastPress == (x, y) { return nil }
            return .mouse(Mouse(.press, x: x, y: y))
        }
        return nil
    }

    // MARK: Colours

    private func attributes(for style: Style) -> attr_t {
        var attributes = ward_a_normal()
        if style.bold { attributes |= ward_a_bold() }
        if style.dim { attributes |= ward_a_dim() }
        if style.reverse { attributes |= ward_a_reverse() }
        if style.underline { attributes |= ward_a_underline() }
        if colors != .none, style.foreground != nil || style.background != nil {
            attributes |= ward_color_pair(Int32(pair(style.foreground, style.background)))
        }
        return attributes
    }

    private func pair(_ foreground: Color?, _ background: Color?) -> Int16 {
        let key = (foreground.map { $0.rawValue + 1 } ?? 0) * 16 + (background.map { $0.rawValue + 1 } ?? 0)
        if let known = pairs[key] { return known }
        let number = Int16(pairs.count + 1)
        init_pair(number, terminalColor(foreground), terminalColor(background))
        pairs[key] = number
        return number
    }

    private func terminalColor(_ color: Color?) -> Int16 {
        guard let color else { return -1 }
        switch color {
        case .red: return Int16(COLOR_RED)
        case .green: return Int16(COLOR_GREEN)
        case .yellow: return Int16(COLOR_YELLOW)
        case .blue: return Int16(COLOR_BLUE)
        case .magenta: return Int16(COLOR_MAGENTA)
        case .cyan: return Int16(COLOR_CYAN)
        case .white: return Int16(COLOR_WHITE)
        case .gray: return colors == .full ? 244 : Int16(COLOR_WHITE)
        }
    }
}
