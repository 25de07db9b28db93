import Foundation
import Gateway
#if canImport(Glibc)
import Glibc
#endif

/// The usage journal's real files: `<data>/usage.journal` and its checkpoint
/// `<data>/usage.journal.checkpoint` (replaced atomically: written beside it, fsynced,
/// renamed over it).
///
/// Immutable after opening (a path and a file descriptor), so it is `Sendable`; the
/// replica calls it from one I/O queue at a time.
public final class FileJournalFiles: JournalFiles, Sendable {
    public let path: String
    let checkpointPath: String
    private let fd: Int32

    /// Opens (or creates) the journal in `directory`, readable and writable by its owner only.
    public init(directory: URL) throws {
        path = directory.appendingPathComponent("usage.journal").path
        checkpointPath = path + ".checkpoint"
        fd = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw JournalFileError("cannot open the usage journal at \(path)", errno: errno) }
    }

    deinit { Glibc.close(fd) }

    public func readJournal() throws -> [UInt8] {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw JournalFileError("cannot read the size of \(path)", errno: errno) }
        return try readJournal(from: 0, count: Int(st.st_size))
    }

    public func readJournal(from offset: UInt64, count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done)) }
            if n < 0 { if errno == EINTR { continue }; throw JournalFileError("cannot read \(path)", errno: errno) }
            if n == 0 { break }
            done += n
        }
        return Array(out.prefix(done))
    }

    public func writeJournal(_ bytes: [UInt8], at offset: UInt64) throws {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done)) }
            if n < 0 { if errno == EINTR { continue }; throw JournalFileError("cannot write \(path)", errno: errno) }
            done += n
        }
    }

    public func syncJournal() throws {
        guard fsync(fd) == 0 else { throw JournalFileError("cannot sync \(path)", errno: errno) }
    }

    public func truncateJournal(to length: UInt64) throws {
        guard ftruncate(fd, off_t(length)) == 0 else { throw JournalFileError("cannot truncate \(path)", errno: errno) }
    }

    public func readCheckpoint() throws -> UInt64? {
        guard let text = try? String(contentsOfFile: checkpointPath, encoding: .utf8) else { return nil }
        return UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    public func writeCheckpoint(_ offset: UInt64) throws {
        let temporary = checkpointPath + ".tmp"
        let tfd = Glibc.open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard tfd >= 0 else { throw JournalFileError("cannot write \(temporary)", errno: errno) }
        let bytes = Array(String(offset).utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(tfd, $0.baseAddress!, bytes.count) }
        let synced = fsync(tfd) == 0
        Glibc.close(tfd)
        guard written == bytes.count, synced, rename(temporary, checkpointPath) == 0 else {
            throw JournalFileError("cannot replace \(checkpointPath)", errno: errno)
        }
    }
}

/// A journal file operation that failed, with the system's reason.
public struct JournalFileError: Error, CustomStringConvertible {
    public var description: String
    init(_ what: String, errno code: Int32) { description = "\(what): \(String(cString: strerror(code)))" }
    init(description: String) { self.description = description }
}
