import Foundation
import PackagePlugin

/// Embeds the package's `templates/` and `data/` folders into WardKit as Swift source,
/// so the built-in templates and the demo store travel inside the `ward` binary.
@main
struct EmbedPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL
        let folders = [("templates", root.appending(path: "templates")), ("demoStore", root.appending(path: "data"))]
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedFiles.swift")
        var inputs: [URL] = []
        var arguments = [output.path]
        for (name, folder) in folders {
            arguments += [name, folder.path]
            inputs += files(under: folder)
        }
        return [.buildCommand(
            displayName: "Embedding templates/ and data/",
            executable: try context.tool(named: "EmbedFiles").url,
            arguments: arguments,
            inputFiles: inputs,
            outputFiles: [output]
        )]
    }

    private func files(under folder: URL) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else {
            return []
        }
        return walker.compactMap { $0 as? URL }.filter {
            (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true
        }
    }
}
