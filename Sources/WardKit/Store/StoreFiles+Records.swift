import CWardSupport
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A folder of records (`incidents/`) held open while many of its records are read. Each file is then opened
/// below it by one call that refuses a link anywhere on the way, where reading by path took a `lstat` of every
/// folder on the way first, and a walk of the whole path. A listing after a clone reads two files for each of
/// tens of thousands of records.
final class RecordDirectory: Sendable {
    /// The folder, below the store's root.
    let relative: String
    let fd: Int32
    /// Whether the kernel opens files below a folder without following links (openat2, Linux 5.6 and later;
    /// a sandbox may refuse it). Without it, each record's folder is opened without following a link, then its
    /// files in it without following one at their names.
    let opensBeneath: Bool

    /// `opensBeneath`, when given, is taken as it is (tests read both ways); else the kernel is asked.
    fileprivate init(relative: String, fd: Int32, opensBeneath: Bool?) {
        self.relative = relative
        self.fd = fd
        if let opensBeneath {
            self.opensBeneath = opensBeneath
        } else {
            let probe = ward_open_beneath(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if probe >= 0 { close(probe) }
            self.opensBeneath = probe >= 0
        }
    }

    deinit { close(fd) }
}

extension StoreFiles {
    /// `relative` (a folder below the root) held open for `read(_:inRecord:of:)`. Nil where the records must be
    /// read by path: the folder is missing or reached through a link, or the system calls are a test's (whose
    /// faults and counts are by path).
    func recordDirectory(_ relative: String, opensBeneath: Bool? = nil) -> RecordDirectory? {
        guard sys is POSIXSyscalls, (try? ensureNoSymlinks(relative)) != nil else { return nil }
        let fd = open(path(relative), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        return fd >= 0 ? RecordDirectory(relative: relative, fd: fd, opensBeneath: opensBeneath) : nil
    }

    /// What `read(names, in: directory.relative + "/" + record)` gives, each file opened below the open folder.
    func read(_ names: [(name: String, limit: Int)], inRecord record: String,
              of directory: RecordDirectory) -> [Result<FileContents?, Error>] {
        let folder = directory.relative + "/" + record
        // Only one folder's name is opened below it (record names come from listing the folder).
        guard !record.isEmpty, record != ".", record != "..", !record.utf8.contains(UInt8(ascii: "/")) else {
            return read(names, in: folder)
        }
        let linked = StoreFiles.linkRefused(folder)
        // O_NONBLOCK: a FIFO planted at a record's name must not hang Ward (readOpen refuses it).
        let flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC
        // Without openat2, the record's folder is opened as a place (O_PATH), never through a link, and its
        // files are opened in it: no link can be swapped in between a check and the open.
        var folderFD: Int32 = -1
        var folderError: Int32 = 0
        if !directory.opensBeneath {
            folderFD = ward_open_folder(directory.fd, record)
            if folderFD < 0 {
                folderError = errno
                // A link there is refused (O_PATH with O_NOFOLLOW takes the link itself, not a directory).
                if folderIsLink(record, in: directory) { return names.map { _ in .failure(linked) } }
            }
        }
        defer { if folderFD >= 0 { close(folderFD) } }
        return names.map { file in
            let relative = folder + "/" + file.name
            return Result {
                let fd = directory.opensBeneath ? ward_open_beneath(directory.fd, record + "/" + file.name, flags)
                    : folderFD >= 0 ? openat(folderFD, file.name, flags) : -1
                if fd < 0 {
                    // Without openat2, a folder that would not open fails each of its files the same way.
                    let code = directory.opensBeneath || folderFD >= 0 ? errno : folderError
                    if code == ENOENT { return nil }
                    if code == ELOOP {
                        // The link is the record's folder or the file; `read(_:in:)` names whichever it is.
                        if folderIsLink(record, in: directory) { throw linked }
                        throw StoreFiles.linkRefused(relative)
                    }
                    throw WardError("cannot open: \(errnoDescription(code))", path: relative)
                }
                return try readOpen(fd, relative, limit: file.limit)
            }
        }
    }

    private func folderIsLink(_ record: String, in directory: RecordDirectory) -> Bool {
        var info = stat()
        return fstatat(directory.fd, record, &info, AT_SYMLINK_NOFOLLOW) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }
}
