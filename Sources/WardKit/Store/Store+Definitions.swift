import Foundation

extension Store {
    /// Checklist definitions: the built-in ones, overridden or added to by the store's `checklists/`.
    public func loadChecklists() -> (checklists: [Checklist], problems: [Problem]) {
        loadDefinitions(folder: "checklists") { try Checklist(name: $0, text: $1, path: $2, builtIn: $3) }
    }

    /// Runbook definitions: the built-in ones, overridden or added to by the store's `runbooks/`.
    public func loadRunbooks() -> (runbooks: [Runbook], problems: [Problem]) {
        loadDefinitions(folder: "runbooks") { try Runbook(name: $0, text: $1, path: $2, builtIn: $3) }
    }

    /// The definition named `name` in `folder`; a store definition with errors is refused with its path and
    /// line rather than silently replaced by the built-in one.
    func definition<T>(named name: String, kind: String, folder: String, in loaded: (items: [T], problems: [Problem]),
                       name nameOf: (T) -> String, listing command: String) throws -> T {
        if let problem = loaded.problems.first(where: { $0.level == .error && $0.path == "\(folder)/\(name).md" }) {
            throw WardError(problem.message, path: problem.path, line: problem.line)
        }
        guard let found = loaded.items.first(where: { nameOf($0) == name }) else {
            throw WardError("no \(kind) is named '\(name)': there are \(loaded.items.map(nameOf).joined(separator: ", "))" + command)
        }
        return found
    }

    private func loadDefinitions<T>(folder: String, _ make: (String, String, String, Bool) throws -> T) -> ([T], [Problem]) {
        var byName: [String: T] = [:]
        var problems: [Problem] = []
        for name in Templates.builtInNames where name.hasPrefix(folder + "/") && name.hasSuffix(".md") {
            let short = String(name.dropFirst(folder.count + 1).dropLast(3))
            do {
                byName[short] = try make(short, Templates.builtIn(name)!, "(built-in) templates/" + name, true)
            } catch let error as WardError {
                problems.append(Problem(path: error.path ?? name, line: error.line, error.message))
            } catch {
                problems.append(Problem(path: name, "\(error)"))
            }
        }
        for file in listDirectory(folder) where file.hasSuffix(".md") && file != "README.md" {
            let path = folder + "/" + file
            do {
                guard let contents = try files.read(path, limit: RecordText.sizeLimit + 1) else { continue }
                let text = try RecordText(contents.data, path: path)
                problems += text.warnings
                byName[String(file.dropLast(3))] = try make(String(file.dropLast(3)), text.text, path, false)
            } catch let error as WardError {
                problems.append(Problem(path: error.path ?? path, line: error.line, error.message))
            } catch {
                problems.append(Problem(path: path, "\(error)"))
            }
        }
        return (byName.keys.sorted().map { byName[$0]! }, problems)
    }
}
