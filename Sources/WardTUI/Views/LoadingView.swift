import Foundation
import WardKit

/// What the terminal shows while the store is first read (the derived cache being built, after a clone or an
/// upgrade): that Ward is working, how far it has got, and that later opens are quick.
public enum LoadingView {
    public static func render(width: Int, height: Int, store: String, looked: Int, read: Int, seconds: Double) -> Screen {
        var screen = Screen(width: width, height: height)
        let y = max(0, height / 2 - 2)
        _ = screen.put(" Ward · \(store)", x: 0, y: 0, style: .heading)
        _ = screen.put("  Reading the store: \(NumberText.grouped(looked)) records, \(NumberText.grouped(read)) read from their files (\(Int(seconds)) s)",
                       x: 0, y: y, maxWidth: width)
        _ = screen.put("  Ward is building its index in .ward/ (first open after a clone or an upgrade); later opens are quick.",
                       x: 0, y: y + 2, style: .dim, maxWidth: width)
        return screen
    }
}
