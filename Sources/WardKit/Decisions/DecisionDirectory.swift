import Foundation
import Yams

/// Where a store's decision records live. ward.yaml's `decisions.dir` decides when it is set; otherwise
/// Ward uses the directory the repository already has, found as the tools that made it find it.
public enum DecisionDirectory {
    public struct Found: Sendable, Equatable {
        public var directory: String
        /// What pointed at it, for `ward doctor` and `ward init`: "ward.yaml", ".adr-dir", "doc/adr"...
        public var source: String
    }

    /// The conventional places, in the order they are tried after `.adr-dir` and `.log4brains.yml`.
    public static let conventional = ["doc/adr", "docs/decisions", "docs/adr", "decisions"]

    public static func locate(_ files: StoreFiles, configured: String?) -> Found {
        if let configured { return Found(directory: configured, source: "ward.yaml") }
        // adr-tools: `.adr-dir` holds the directory's path, relative to where the file is.
        if let data = try? files.read(".adr-dir", limit: 4096)?.data {
            let dir = normalise(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
            if !dir.isEmpty, isInside(dir) { return Found(directory: dir, source: ".adr-dir") }
        }
        // log4brains: `project.adrFolder` in `.log4brains.yml`.
        if let data = try? files.read(".log4brains.yml", limit: 65536)?.data,
           let yaml = try? Yams.compose(yaml: String(decoding: data, as: UTF8.self), .default, .default, .utf8),
           let folder = yaml.mapping?["project"]?.mapping?["adrFolder"]?.string {
            let dir = normalise(folder)
            if !dir.isEmpty, isInside(dir) { return Found(directory: dir, source: ".log4brains.yml") }
        }
        for dir in conventional {
            var info = stat()
            if lstat(files.path(dir), &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
                return Found(directory: dir, source: dir)
            }
        }
        return Found(directory: "decisions", source: "default")
    }

    /// `./docs/adr/` → `docs/adr`.
    public static func normalise(_ path: String) -> String {
        var parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        parts.removeAll { $0 == "." }
        return parts.joined(separator: "/")
    }

    /// A relative path that stays inside the store.
    public static func isInside(_ path: String) -> Bool {
        !path.hasPrefix("/") && !path.split(separator: "/").contains("..") && !path.contains("\0")
    }

    /// The form new records take when ward.yaml does not say: the form most records already have, and
    /// adr-tools' where adr-tools' files point at the directory.
    public static func inferFormat(of decisions: [Decision], found: Found) -> DecisionFormat {
        let nygard = decisions.filter { $0.format == .nygard }.count
        if !decisions.isEmpty { return nygard * 2 > decisions.count ? .nygard : .madr }
        return found.source == ".adr-dir" || found.source == "doc/adr" ? .nygard : .madr
    }
}
