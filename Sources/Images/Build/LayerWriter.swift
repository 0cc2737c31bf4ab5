import CDispatch
import Core
import Foundation
import Glibc
import OCI

/// Writes one layer: a tar of files taken from disk, gzip-compressed into the store, hashing the tar (diff ID) and
/// the blob (digest) as the bytes pass. Nothing is in memory beyond one read buffer.
final class LayerWriter {
    private let blob: BlobWriter
    private let compressor: GzipCompressor
    private var tar: TarWriter!
    private var diffHasher = DigestHasher()
    private var readBuffer = [UInt8](repeating: 0, count: 256 * 1024)
    private var hardlinks: [UInt64: String] = [:]
    /// With `SOURCE_DATE_EPOCH`, newer mtimes are clamped to it.
    let clampTime: Int64?

    init(store: ImageStore, clampTime: Int64?) throws(ImageError) {
        blob = try store.blobWriter()
        compressor = try GzipCompressor()
        self.clampTime = clampTime
        tar = TarWriter { [unowned self] buffer in
            self.diffHasher.update(buffer)
            try self.compressor.compress(buffer) { try self.blob.write($0) }
        }
    }

    /// Adds `path` (relative to `root`) as it is on disk, stored under `name` with optional ownership and mode overrides.
    func addFromDisk(root: String, path: String, name: String? = nil, uid: Int? = nil, gid: Int? = nil, mode: UInt32? = nil) throws {
        let absolute = "\(root)/\(path)"
        guard let node = FileTree.stat(of: absolute) else { throw ImageError.io(absolute, "cannot stat") }
        var entry = TarEntry(
            path: name ?? path, kind: .file, mode: mode ?? (node.mode & 0o7777), uid: uid ?? Int(node.uid), gid: gid ?? Int(node.gid))
        entry.modificationTime = clamp(Int64(node.modified.tv_sec))
        switch node.mode & S_IFMT {
        case S_IFDIR: entry.kind = .directory
        case S_IFLNK:
            entry.kind = .symlink
            entry.linkName = node.linkTarget ?? ""
            entry.mode = 0o777
        case S_IFREG:
            if node.links > 1 {
                if let first = hardlinks[node.inode] {
                    entry.kind = .hardlink
                    entry.linkName = first
                    try tar.writeHeader(entry)
                    return
                }
                hardlinks[node.inode] = entry.path
            }
            entry.size = node.size
        case S_IFIFO: entry.kind = .fifo
        default:
            return  // devices and sockets never belong in a layer built here
        }
        try tar.writeHeader(entry)
        if entry.kind == .file, entry.size > 0 { try copyContent(absolute, size: entry.size) }
    }

    /// Adds an entry with no content on disk (a parent directory, a whiteout).
    func addEntry(_ entry: TarEntry) throws {
        var entry = entry
        entry.modificationTime = clamp(entry.modificationTime)
        try tar.writeHeader(entry)
    }

    /// Adds `.wh.<name>` for a path removed from the lower layers.
    func addWhiteout(_ path: String) throws {
        let parent = FilePathText.parent(of: path)
        let name = (path as NSString).lastPathComponent
        try tar.writeHeader(
            TarEntry(
                path: (parent.isEmpty ? "" : parent + "/") + TarEntry.whiteoutPrefix + name, kind: .file, mode: 0o644,
                modificationTime: clampTime ?? 0))
    }

    private func copyContent(_ path: String, size: Int64) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw ImageError.io(path, String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var remaining = size
        try readBuffer.withUnsafeMutableBytes { buffer in
            while remaining > 0 {
                let count = read(descriptor, buffer.baseAddress, min(buffer.count, Int(remaining)))
                guard count > 0 else { throw ImageError.io(path, "file changed while it was being added to a layer") }
                try tar.writeContent(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
                remaining -= Int64(count)
            }
        }
        try tar.finishContent()
    }

    /// The archive formats `ADD` unpacks: a tar, plain or gzip-compressed, recognised by its bytes (not its name).
    enum ArchiveFormat { case tar, gzipTar }

    static func archiveFormat(of path: String) -> ArchiveFormat? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 512)) ?? Data())
        if head.count >= 2, head[0] == 0x1F, head[1] == 0x8B { return .gzipTar }
        if head.count == 512, Array(head[257..<262]) == Array("ustar".utf8) { return .tar }
        return nil
    }

    /// Adds the entries of a local tar archive under `destination` (relative, no leading `/`), as `ADD` unpacks one:
    /// paths that would climb out of the destination are refused, ownership comes from the archive unless `owner` is given.
    func addArchive(_ path: String, format: ArchiveFormat, destination: String, owner: (Int, Int)?) throws {
        let base = destination.split(separator: "/").joined(separator: "/")
        let hardlinkRoot = base.isEmpty ? "" : base + "/"
        let reader = TarReader(
            .init(
                begin: { [self] entry in
                    var entry = entry
                    guard let relative = LayerWriter.contained(entry.path) else {
                        throw ImageError.layer("\(path): entry '\(entry.path)' would be written outside the destination")
                    }
                    entry.path = base.isEmpty ? relative : (relative.isEmpty ? base : "\(base)/\(relative)")
                    if entry.path.isEmpty { return }
                    if entry.kind == .hardlink {
                        guard let target = LayerWriter.contained(entry.linkName) else {
                            throw ImageError.layer("\(path): hard link '\(entry.linkName)' points outside the archive")
                        }
                        entry.linkName = hardlinkRoot + target
                    }
                    if let owner {
                        entry.uid = owner.0
                        entry.gid = owner.1
                    }
                    entry.modificationTime = clamp(entry.modificationTime)
                    try tar.writeHeader(entry)
                },
                content: { [self] buffer in
                    try tar.writeContent(buffer)
                },
                end: { [self] in
                    try tar.finishContent()
                }))
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw ImageError.io(path, String(cString: strerror(errno))) }
        defer { close(descriptor) }
        let decompressor = format == .gzipTar ? try GzipDecompressor() : nil
        try readBuffer.withUnsafeMutableBytes { buffer in
            while true {
                let count = read(descriptor, buffer.baseAddress, buffer.count)
                guard count >= 0 else { throw ImageError.io(path, String(cString: strerror(errno))) }
                if count == 0 { break }
                let chunk = UnsafeRawBufferPointer(rebasing: buffer[..<count])
                if let decompressor {
                    try decompressor.decompress(chunk) { try reader.consume($0) }
                } else {
                    try reader.consume(chunk)
                }
            }
        }
    }

    /// A path inside the archive with `.` and `..` resolved, or nil when it climbs above the archive's root.
    static func contained(_ path: String) -> String? {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            switch part {
            case ".": continue
            case "..":
                guard !parts.isEmpty else { return nil }
                parts.removeLast()
            default: parts.append(part)
            }
        }
        return parts.joined(separator: "/")
    }

    private func clamp(_ time: Int64) -> Int64 {
        guard let clampTime else { return time }
        return min(time, clampTime)
    }

    /// Ends the tar and the gzip stream and moves the blob into the store.
    func finish() throws -> (descriptor: Descriptor, diffID: Digest) {
        try tar.finish()
        try compressor.finish { try blob.write($0) }
        let (digest, size) = try blob.commit()
        return (Descriptor(mediaType: MediaType.ociLayerGzip, digest: digest, size: size), diffHasher.finalize())
    }

    func abandon() { blob.abandon() }
}
