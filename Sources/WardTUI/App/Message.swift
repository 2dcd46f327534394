import Foundation
import WardKit

/// Everything that can happen to the app.
public enum Message: Sendable {
    case key(Key)
    case mouse(Mouse)
    case resize(width: Int, height: Int)
    /// Once a second or so: clocks move on, messages expire.
    case tick(Date)
    /// The store was read again (after a change on disk or an edit).
    case loaded(Snapshot)
    /// The editor closed; `problem` says what is wrong with the file now, if anything.
    case edited(path: String, problem: String?, changed: Bool)
    /// The editor could not be started, or failed.
    case editorFailed(String)
    /// A file an edit had broken was read again (after a reload); nil `problem` means it reads fine now.
    case checked(path: String, problem: String?)
}

/// What `update` asks the shell to do: data, run outside the pure core.
public enum Effect: Sendable, Equatable {
    case quit
    /// Leave the screen, run $VISUAL/$EDITOR on the file, come back and reload.
    case edit(path: String)
    case reload
}
