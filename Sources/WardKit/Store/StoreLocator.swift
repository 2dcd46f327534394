import Foundation

/// Finds the store: `--store`, then `WARD_STORE`, then the nearest directory at or above the working
/// directory that holds `ward.yaml`, as git finds its repository.
public enum StoreLocator {
    public enum Found: Equatable {
        case store(URL)
        case none
    }

    public static func locate(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                              workingDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) throws -> Found {
        if let explicit, !explicit.isEmpty { return .store(try existing(explicit, from: "--store")) }
        if let fromEnvironment = environment["WARD_STORE"], !fromEnvironment.isEmpty {
            return .store(try existing(fromEnvironment, from: "WARD_STORE"))
        }
        var directory = workingDirectory.standardizedFileURL
        while true {
            if FileManager.default.fileExists(atPath: directory.appending(path: "ward.yaml").path) {
                return .store(URL(fileURLWithPath: directory.path))
            }
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { return .none }
            directory = parent
        }
    }

    private static func existing(_ path: String, from source: String) throws -> URL {
        let url = URL(fileURLWithPath: URL(fileURLWithPath: path).standardizedFileURL.path)
        guard FileManager.default.fileExists(atPath: url.appending(path: "ward.yaml").path) else {
            throw WardError("\(source) names \(url.path), which holds no ward.yaml (create a store there with 'ward init \(path)')")
        }
        return url
    }
}
