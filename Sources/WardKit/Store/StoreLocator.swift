import Foundation

/// Finds the store: `--store`, then `WARD_STORE`, then the nearest directory at or above the working
/// directory that holds `ward.yaml`, as git finds its repository.
public enum StoreLocator {
    public enum Found: Equatable {
        case store(URL)
        case none
    }

    /// `environment`: the process's own (only `WARD_STORE` is read) unless given; `workingDirectory`: the
    /// process's unless given.
    public static func locate(explicit: String?, environment: [String: String]? = nil,
                              workingDirectory: URL? = nil) throws -> Found {
        if let explicit, !explicit.isEmpty { return .store(try existing(explicit, from: "--store")) }
        let fromEnvironment = environment.map { $0["WARD_STORE"] } ?? getenv("WARD_STORE").map { String(cString: $0) }
        if let fromEnvironment, !fromEnvironment.isEmpty {
            return .store(try existing(fromEnvironment, from: "WARD_STORE"))
        }
        // Walked up as text: one URL at the end, not one per folder (URLs are slow to make).
        var directory = (workingDirectory ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL.path
        while true {
            if FileManager.default.fileExists(atPath: (directory == "/" ? "" : directory) + "/ward.yaml") {
                return .store(URL(fileURLWithPath: directory))
            }
            guard directory != "/", let slash = directory.lastIndex(of: "/") else { return .none }
            directory = slash == directory.startIndex ? "/" : String(directory[..<slash])
        }
    }

    private static func existing(_ path: String, from source: String) throws -> URL {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        guard FileManager.default.fileExists(atPath: url.path + "/ward.yaml") else {
            throw WardError("\(source) names \(url.path), which holds no ward.yaml (create a store there with 'ward init \(path)')")
        }
        return url
    }
}
