/// A key press, as the backend reports it.
public enum Key: Sendable, Equatable, Hashable {
    case character(Character)
    /// Ctrl plus a letter, lower case: `.control("d")`.
    case control(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace, delete
    case function(Int)
    /// Text pasted in one go (bracketed paste): never read as keys, so a pasted line break is not Enter.
    case paste(String)
}

public struct Mouse: Sendable, Equatable {
    public enum Action: Sendable, Equatable { case press, wheelUp, wheelDown }
    public var action: Action
    public var x: Int
    public var y: Int

    public init(_ action: Action, x: Int, y: Int) {
        self.action = action
        self.x = x
        self.y = y
    }
}
