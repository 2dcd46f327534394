import Foundation
import PackagePlugin

/// Embeds the package's `templates/` and `data/` folders into WardKit as Swift source,
/// so the built-in templates and the demo store travel inside the `ward` binary; and writes a fingerprint of
/// the target's own sources, which names the derived cache a build may trust (see `DerivedCache`).
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
        // The target's folder, where SwiftPM looks by default (the one target this plugin serves).
        let sources = root.appending(path: "Sources").appending(path: target.name)
        let fingerprint = context.pluginWorkDirectoryURL.appending(path: "SourceFingerprint.swift")
        return [.buildCommand(
            displayName: "Embedding templates/ and data/",
            executable: try context.tool(named: "EmbedFiles").url,
            arguments: arguments,
            inputFiles: inputs,
            outputFiles: [output]
        ), .buildCommand(
            displayName: "Fingerprinting \(target.name)'s sources",
            executable: try context.tool(named: "EmbedFiles").url,
            arguments: ["--fingerprint", fingerprint.path, sources.path],
            inputFiles: files(under: sources).filter { $0.pathExtension == "swift" },
            outputFiles: [fingerprint]
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
