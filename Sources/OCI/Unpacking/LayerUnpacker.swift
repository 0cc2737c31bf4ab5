import CDispatch
import CLinuxSupport
import Core
import Foundation
import Glibc

/// Applies layer blobs to a directory in order, honouring whiteouts (`.wh.<name>`, `.wh..wh..opq`), ownership,
/// modes, symlinks and hard links. Entries can never write outside the directory.
package struct LayerUnpacker {
    /// What a whiteout does: remove the path below (one root filesystem), or stay as overlayfs's own marker (a 0/0
    /// character device, an opaque directory's `trusted.overlay.opaque` attribute) in a layer kept for overlay stacking.
    package enum Whiteouts { case apply, overlay }

    let root: String
    var whiteouts = Whiteouts.apply

    package init(root: String, whiteouts: Whiteouts = .apply) {
        self.root = root
        self.whiteouts = whiteouts
    }

    package func apply(blob path: String, mediaType: String) throws {
        var createdInThisLayer: Set<String> = []
        var file: Int32 = -1
        var currentPath = ""
        var pendingMode: [(String, TarEntry)] = []
        let reader = TarReader(
            .init(
                begin: { entry in
                    let name = entry.path
                    guard !name.isEmpty else { return }
                    guard !name.split(separator: "/").contains("..") else { throw ImageError.layer("entry '\(name)' escapes the root") }
                    let parent = FilePathText.parent(of: name)
                    let base = (name as NSString).lastPathComponent
                    if base == TarEntry.opaqueWhiteout, whiteouts == .overlay {
                        let directory = root + (parent.isEmpty ? "" : "/" + parent)
                        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                        guard setxattr(directory, "trusted.overlay.opaque", "y", 1, 0) == 0 else {
                            throw ImageError.io(directory, "marking the directory opaque: \(String(cString: strerror(errno)))")
                        }
                        return
                    }
                    if base.hasPrefix(TarEntry.whiteoutPrefix), whiteouts == .overlay {
                        let directory = root + (parent.isEmpty ? "" : "/" + parent)
                        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                        let target = directory + "/" + base.dropFirst(TarEntry.whiteoutPrefix.count)
                        guard mknod(target, S_IFCHR | 0o000, 0) == 0 else {
                            throw ImageError.io(target, "writing the whiteout: \(String(cString: strerror(errno)))")
                        }
                        return
                    }
                    if base == TarEntry.opaqueWhiteout {
                        let directory = try resolve(parent)
                        for child in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
                            let relative = parent.isEmpty ? child : "\(parent)/\(child)"
                            if !createdInThisLayer.contains(relative) {
                                try? FileManager.default.removeItem(atPath: "\(directory)/\(child)")
                            }
                        }
                        return
                    }
                    if base.hasPrefix(TarEntry.whiteoutPrefix) {
                        let target = try resolve(parent) + "/" + base.dropFirst(TarEntry.whiteoutPrefix.count)
                        try? FileManager.default.removeItem(atPath: target)
                        return
                    }
                    createdInThisLayer.insert(name)
                    let destination = try resolve(parent) + "/" + base
                    try FileManager.default.createDirectory(
                        atPath: FilePathText.parent(of: destination), withIntermediateDirectories: true)
                    var existing = Glibc.stat()
                    let exists = lstat(destination, &existing) == 0
                    if exists, !(entry.kind == .directory && existing.st_mode & S_IFMT == S_IFDIR) {
                        try? FileManager.default.removeItem(atPath: destination)
                    }
                    switch entry.kind {
                    case .directory:
                        if !(exists && existing.st_mode & S_IFMT == S_IFDIR) { mkdir(destination, 0o755) }
                        pendingMode.append((destination, entry))
                    case .file:
                        file = open(destination, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
                        guard file >= 0 else { throw ImageError.io(destination, String(cString: strerror(errno))) }
                        currentPath = destination
                    case .symlink:
                        guard symlink(entry.linkName, destination) == 0 else {
                            throw ImageError.io(destination, String(cString: strerror(errno)))
                        }
                        lchown(destination, uid_t(entry.uid), gid_t(entry.gid))
                    case .hardlink:
                        let target = try resolve(entry.linkName.hasPrefix("/") ? String(entry.linkName.dropFirst()) : entry.linkName)
                        guard link(target, destination) == 0 else {
                            throw ImageError.io(destination, "hard link to \(entry.linkName): \(String(cString: strerror(errno)))")
                        }
                    case .fifo:
                        mkfifo(destination, mode_t(entry.mode))
                    case .characterDevice, .blockDevice:
                        break  // device nodes are provided by the sandbox (/dev), never by layers here
                    }
                    if entry.kind == .file || entry.kind == .fifo { pendingMode.append((destination, entry)) }
                },
                content: { buffer in
                    guard file >= 0 else { return }
                    var offset = 0
                    while offset < buffer.count {
                        let written = write(file, buffer.baseAddress?.advanced(by: offset), buffer.count - offset)
                        guard written > 0 else { throw ImageError.io(currentPath, String(cString: strerror(errno))) }
                        offset += written
                    }
                },
                end: {
                    if file >= 0 {
                        close(file)
                        file = -1
                    }
                }
            ))
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw ImageError.io(path, String(cString: strerror(errno))) }
        defer { close(descriptor) }
        let gzip = mediaType.hasSuffix("gzip") ? try GzipDecompressor() : nil
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        try buffer.withUnsafeMutableBytes { raw in
            while true {
                let count = read(descriptor, raw.baseAddress, raw.count)
                if count < 0 { throw ImageError.io(path, String(cString: strerror(errno))) }
                if count == 0 { break }
                let chunk = UnsafeRawBufferPointer(rebasing: raw[..<count])
                if let gzip { try gzip.decompress(chunk) { try reader.consume($0) } } else { try reader.consume(chunk) }
            }
        }
        if file >= 0 { close(file) }
        // Modes, owners and times last, deepest first, so read-only directories do not block their children.
        for (destination, entry) in pendingMode.reversed() {
            lchown(destination, uid_t(entry.uid), gid_t(entry.gid))
            chmod(destination, mode_t(entry.mode))
            var times = [
                timespec(tv_sec: Int(entry.modificationTime), tv_nsec: 0), timespec(tv_sec: Int(entry.modificationTime), tv_nsec: 0),
            ]
            utimensat(AT_FDCWD, destination, &times, AT_SYMLINK_NOFOLLOW)
        }
    }

    /// The absolute path of `relative` inside the root, following symlinks in its parents as if the root were `/`.
    func resolve(_ relative: String) throws -> String {
        var resolved: [String] = []
        var pending = relative.split(separator: "/").map(String.init)
        var hops = 0
        while !pending.isEmpty {
            let part = pending.removeFirst()
            if part == "." || part.isEmpty { continue }
            if part == ".." {
                if !resolved.isEmpty { resolved.removeLast() }
                continue
            }
            let candidate = root + "/" + (resolved + [part]).joined(separator: "/")
            var info = Glibc.stat()
            if lstat(candidate, &info) == 0, info.st_mode & S_IFMT == S_IFLNK {
                hops += 1
                guard hops < 40 else { throw ImageError.layer("too many symlinks resolving \(relative)") }
                var buffer = [CChar](repeating: 0, count: 4096)
                let count = readlink(candidate, &buffer, buffer.count - 1)
                let target = count > 0 ? String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
                if target.hasPrefix("/") { resolved = [] }
                pending = target.split(separator: "/").map(String.init) + pending
                continue
            }
            resolved.append(part)
        }
        return resolved.isEmpty ? root : root + "/" + resolved.joined(separator: "/")
    }
}
