import Foundation
import Mustache

/// The built-in templates and definitions (compiled into the binary from the package's `templates/`),
/// each of which a store may override with a file of the same name in its own `templates/`.
public struct Templates: Sendable {
    /// The store whose `templates/` may override the built-in files, if any. Overrides are read through the
    /// store's safe path: a symlink planted there is refused, not followed.
    public let store: StoreFiles?

    public init(store: StoreFiles?) {
        self.store = store
    }

    /// Names of the built-in files, relative to `templates/` (e.g. `runbooks/recovery.md`).
    public static var builtInNames: [String] { EmbeddedFiles.templates.keys.sorted() }

    public static func builtIn(_ name: String) -> String? { EmbeddedFiles.templates[name] }

    /// The text of a template or definition: the store's override if it has one, else the built-in one.
    public func text(_ name: String) throws -> (text: String, path: String) {
        if let store {
            let path = "templates/" + name
            if let contents = try store.read(path, limit: RecordText.sizeLimit + 1) {
                return (try RecordText(contents.data, path: path).text, path)
            }
        }
        guard let text = EmbeddedFiles.templates[name] else {
            throw WardError("there is no template named '\(name)'")
        }
        return (text, "(built-in) templates/" + name)
    }

    /// Renders `<name>.mustache` with `values`. Values are inserted as they are (templates use `{{{ }}}`).
    public func render(_ name: String, _ values: [String: Any]) throws -> String {
        let (text, path) = try self.text(name + ".mustache")
        let template: MustacheTemplate
        do {
            template = try MustacheTemplate(string: text)
        } catch {
            throw WardError("is not a valid Mustache template: \(error)", path: path)
        }
        return template.render(values)
    }
}
