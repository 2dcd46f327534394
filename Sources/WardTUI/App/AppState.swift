import Foundation
import WardKit

/// One pane of one screen.
public struct PaneKey: Sendable, Hashable {
    public var route: Route
    public var pane: Int
}

/// Selection and scroll of one list or text pane.
public struct Cursor: Sendable, Equatable {
    public var selected = 0
    public var offset = 0

    /// Keeps `selected` within `count` rows and visible in a window of `height` rows.
    public mutating func clamp(count: Int, height: Int) {
        selected = max(0, min(selected, count - 1))
        let height = max(1, height)
        if selected < offset { offset = selected }
        if selected >= offset + height { offset = selected - height + 1 }
        offset = max(0, min(offset, max(0, count - height)))
    }
}

public struct IncidentFilter: Sendable, Equatable {
    public var activeOnly = true
    public var severity: String?
    public var status: IncidentStatus?
    public var service: String?
}

public struct DecisionFilter: Sendable, Equatable {
    public var status: DecisionStatus?
    public var tag: String?
    public var text = ""
    /// Only the decisions that came from this incident (`o` on the incident's screen).
    public var incident: String?
}

/// A line of text being typed: a search, a filter, a palette command, a note, a reason.
public struct TextInput: Sendable, Equatable {
    public enum Purpose: String, Sendable, Equatable {
        case search, palette, decisionFilter
        /// A timeline note for `target`, the incident.
        case note
        /// Why `step` of the run `runbook` in `target` is skipped.
        case skipReason
        /// Why the run `runbook` in `target` goes back a phase.
        case backReason
        /// The name of a runbook to start in `target`.
        case startRunbook
        /// `STATUS [reason]` for `target`.
        case status
        /// `SEVERITY [reason]` for `target`.
        case severity
        /// `ROLE NAME` for `target`.
        case assign
        /// `MILESTONE [TIME]` for `target`.
        case milestone
        /// Why the action item `step` (its id) of `target` will not be done.
        case wontDoReason
        /// A note on the item `step` of the checklist `target` being run (inside the incident `runbook`, if
        /// any): kept with the answers, written when the run is recorded.
        case checklistNote
        /// Which checklist to run inside the incident `target`: a name, part of one, or its number.
        case runChecklist
        /// Text that narrows the checklist run history.
        case historyFilter

        /// Purposes that write to the store on Enter.
        public var writes: Bool {
            ![.search, .palette, .decisionFilter, .checklistNote, .runChecklist, .historyFilter].contains(self)
        }

        /// Purposes typed on the entry line at the bottom of the screen, with a prompt and help above it.
        public var onEntryLine: Bool { writes || self == .checklistNote || self == .runChecklist }

        /// Filters typed on the status line, narrowing a list as they are typed.
        public var isFilter: Bool { self == .decisionFilter || self == .historyFilter }

        /// Whether the text is kept when Ward stops and put back the next time: not for lines that belong
        /// to a screen that does not outlive the session (a checklist being run, the run history).
        public var keptWhenWardStops: Bool { ![.checklistNote, .runChecklist, .historyFilter].contains(self) }
    }

    public var purpose: Purpose
    public var text = ""
    /// The incident the text is for.
    public var target = ""
    public var runbook = ""
    public var step = ""
    /// Secrets found in a note on Enter: the line waits for "hide them" or "keep as typed".
    public var secrets: [String]?

    public init(purpose: Purpose, text: String = "", target: String = "", runbook: String = "", step: String = "") {
        self.purpose = purpose
        self.text = text
        self.target = target
        self.runbook = runbook
        self.step = step
    }
}

/// The declare form: what is wrong, how bad, where, who leads.
public struct DeclareForm: Sendable, Equatable {
    public enum Field: Int, CaseIterable, Sendable { case title, severity, services, commander }
    public var title = ""
    /// Nil until chosen: the severity is a decision, not a default.
    public var severity: String?
    public var services = ""
    public var commander: String
    public var field = Field.title

    public init(commander: String) {
        self.commander = commander
    }
}

/// The whole app as a value: what `update` changes and views draw.
public struct AppState: Sendable {
    public var snapshot: Snapshot
    public var width: Int
    public var height: Int
    public var now: Date
    public var stack: [Route] = [.dashboard]
    /// Selection and scroll of every pane of every screen visited; each pane keeps its own.
    public var cursors: [PaneKey: Cursor] = [:]
    /// In detail screens, which pane Tab has focused (0 the main one).
    public var pane: [Route: Int] = [:]
    public var incidentFilter = IncidentFilter()
    public var decisionFilter = DecisionFilter()
    /// The decisions screen shows a time line grouped by month (newest first) instead of the list, after `v`.
    public var decisionTimeline = false
    /// The action items screen shows open items only, until `a`.
    public var actionsOpenOnly = true
    public var input: TextInput?
    /// Text handed to the store and not yet confirmed written: put back in the line if the write fails.
    public var pending: TextInput?
    public var declare: DeclareForm?
    /// Notes closed with esc before they were written, per incident: `i` opens them again.
    public var noteDrafts: [String: String] = [:]
    /// Per incident, the runbook phase the panel's cursor belongs to: a new phase starts at its first open step.
    public var panelPhase: [String: String] = [:]
    /// `user` of `user@host`: who declares and writes from this session.
    public var user = ""
    public var search = SearchState()
    public var showHelp = false
    /// Checklists being run and not yet recorded, by their run screen: kept when the screen is left by
    /// another way than esc (a number key, a search), so `r` on the checklist comes back to them.
    public var checklistRuns: [Route: ChecklistRunState] = [:]
    /// The run screen whose run was handed to the store and not yet confirmed written.
    public var recording: Route?
    /// Text narrowing the checklist run history (`f` there).
    public var historyFilter = ""
    /// A question on the status line that only `y` answers yes: leaving answers unrecorded.
    public var confirm: Confirmation?
    public var message: (text: String, isError: Bool)?
    /// The store's git state for the status line (nil outside a repository), and whether a sync is running.
    public var sync: SyncStatus?
    public var syncing = false
    /// A file the last edit left unreadable, and why: shown until it reads fine; `e` opens it again.
    public var brokenEdit: (path: String, problem: String)?

    public init(snapshot: Snapshot, width: Int, height: Int, now: Date) {
        self.snapshot = snapshot
        self.width = width
        self.height = height
        self.now = now
    }

    public var route: Route { stack.last ?? .dashboard }

    /// The cursor of the pane that has the focus on `route` (or of `pane`).
    public func cursor(_ route: Route, pane: Int? = nil) -> Cursor {
        cursors[PaneKey(route: route, pane: pane ?? self.pane[route] ?? 0)] ?? Cursor()
    }

    public mutating func setCursor(_ route: Route, _ cursor: Cursor, pane: Int? = nil) {
        cursors[PaneKey(route: route, pane: pane ?? self.pane[route] ?? 0)] = cursor
    }

    /// Rows between the header and tabs (rows 0 and 1) and the status line (the last row).
    public var bodyHeight: Int { max(0, height - 3) }

    public static let minimumWidth = 80
    public static let minimumHeight = 24
    public var isTooSmall: Bool { width < Self.minimumWidth || height < Self.minimumHeight }
}
