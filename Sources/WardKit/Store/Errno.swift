#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `errno` as a sentence and its symbolic name, for messages such as "No space left on device (ENOSPC)".
func errnoDescription(_ code: Int32) -> String {
    let names: [Int32: String] = [
        ENOSPC: "ENOSPC", EIO: "EIO", EACCES: "EACCES", EPERM: "EPERM", EEXIST: "EEXIST", ENOENT: "ENOENT",
        ELOOP: "ELOOP", EROFS: "EROFS", EDQUOT: "EDQUOT", ENOTDIR: "ENOTDIR", EISDIR: "EISDIR", EINTR: "EINTR",
        ENAMETOOLONG: "ENAMETOOLONG", EBADF: "EBADF", ENOTEMPTY: "ENOTEMPTY", EMFILE: "EMFILE",
    ]
    let text = String(cString: strerror(code))
    return names[code].map { "\(text) (\($0))" } ?? "\(text) (errno \(code))"
}
