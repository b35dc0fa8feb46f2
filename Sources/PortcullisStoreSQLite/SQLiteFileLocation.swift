import Foundation
import GRDB
import PortcullisStore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Prepares the place where the database file lives and explains, in operator terms, why a file
/// could not be opened. SQLite itself only says "unable to open database file".
enum SQLiteFileLocation {
    /// Creates the missing parent directories of `path`, readable by the owner only (0700): the
    /// database holds key material and, later, credentials.
    static func createParentDirectories(of path: String) throws(StoreError) {
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var current = ""
        for component in parent.split(separator: "/") {
            current += "/" + component
            if isDirectory(current) {
                continue
            }
            if mkdir(current, 0o700) == 0 {
                continue
            }
            let code = errno
            // Another replica may have created it in between: that is success too.
            if code == EEXIST, isDirectory(current) {
                continue
            }
            throw .cannotOpen(driver: .sqlite, location: path, reason: directoryFailure(current, errno: code))
        }
    }

    /// Why SQLite could not open `path`, checked against the file system so the answer names the
    /// thing to fix rather than an SQLite error code.
    static func explainOpenFailure(_ error: any Error, path: String) -> String {
        let fileManager = FileManager.default
        var isDirectoryFlag: ObjCBool = false
        let exists = fileManager.fileExists(atPath: path, isDirectory: &isDirectoryFlag)
        if exists, isDirectoryFlag.boolValue {
            return "the path is a directory, not a database file"
        }
        if let databaseError = error as? DatabaseError {
            switch databaseError.resultCode {
            case .SQLITE_NOTADB:
                return "the file is not a SQLite database"
            case .SQLITE_CORRUPT:
                return "the database file is corrupt"
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                return "the database is locked by another process"
            default:
                break
            }
        }
        let directory = parentDirectoryForMessages(of: path)
        // WAL mode creates -wal and -shm files next to the database, so the directory must be
        // writable even when the database file already exists.
        if !fileManager.isWritableFile(atPath: directory) {
            return "directory \(directory) is not writable"
        }
        if exists, !(fileManager.isReadableFile(atPath: path) && fileManager.isWritableFile(atPath: path)) {
            return "the file is not readable and writable by this process"
        }
        if let databaseError = error as? DatabaseError, databaseError.resultCode == .SQLITE_CANTOPEN {
            return "the file cannot be created or opened in directory \(directory) "
                + "(\(SQLiteErrorText.describe(error)))"
        }
        return SQLiteErrorText.describe(error)
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDirectoryFlag: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectoryFlag) && isDirectoryFlag.boolValue
    }

    private static func directoryFailure(_ directory: String, errno code: Int32) -> String {
        switch code {
        case EACCES, EPERM, EROFS:
            let parent = URL(fileURLWithPath: directory).deletingLastPathComponent().path
            return "cannot create directory \(directory): directory \(parent) is not writable"
        case EEXIST:
            return "\(directory) exists but is not a directory"
        case ENOTDIR:
            return "cannot create directory \(directory): a parent is not a directory"
        default:
            return "cannot create directory \(directory): \(String(cString: strerror(code)))"
        }
    }

    /// The directory as the operator wrote it (`data` for `data/portcullis.sqlite`), `.` if none.
    private static func parentDirectoryForMessages(of path: String) -> String {
        let parent = (path as NSString).deletingLastPathComponent
        return parent.isEmpty ? "." : parent
    }
}
