import CDispatch
import Core
import Foundation
import Glibc
import OCI

/// What a directory tree looked like: used to find what a `RUN` changed (the layer is the difference).
struct FileTree {
    struct Node: Equatable {
        var mode: UInt32
        var uid: UInt32
        var gid: UInt32
        var size: Int64
        var modified: timespec
        var changed: timespec
        var inode: UInt64
        var links: UInt64
        var linkTarget: String?

        static func == (a: Node, b: Node) -> Bool {
            a.mode == b.mode && a.uid == b.uid && a.gid == b.gid && a.size == b.size && a.inode == b.inode
                && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
                && a.changed.tv_sec == b.changed.tv_sec && a.changed.tv_nsec == b.changed.tv_nsec && a.linkTarget == b.linkTarget
        }

        var isDirectory: Bool { mode & S_IFMT == S_IFDIR }
    }

    /// Relative paths (no leading `/`) to their metadata.
    var nodes: [String: Node] = [:]

    /// Walks `root` without following symlinks; `skip` names top-level entries to leave out (e.g. `proc`).
    static func scan(_ root: String, skip: Set<String> = []) -> FileTree {
        var tree = FileTree()
        func walk(_ relative: String) {
            let absolute = relative.isEmpty ? root : "\(root)/\(relative)"
            guard let directory = opendir(absolute) else { return }
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                }
                if name == "." || name == ".." { continue }
                if relative.isEmpty, skip.contains(name) { continue }
                let path = relative.isEmpty ? name : "\(relative)/\(name)"
                guard let node = stat(of: "\(root)/\(path)") else { continue }
                tree.nodes[path] = node
                if node.isDirectory { walk(path) }
            }
        }
        walk("")
        return tree
    }

    static func stat(of path: String) -> Node? {
        var info = Glibc.stat()
        guard lstat(path, &info) == 0 else { return nil }
        var target: String?
        if info.st_mode & S_IFMT == S_IFLNK {
            var buffer = [CChar](repeating: 0, count: 4096)
            let count = readlink(path, &buffer, buffer.count - 1)
            if count >= 0 { target = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        }
        return Node(
            mode: info.st_mode, uid: info.st_uid, gid: info.st_gid, size: Int64(info.st_size), modified: info.st_mtim,
            changed: info.st_ctim, inode: UInt64(info.st_ino), links: UInt64(info.st_nlink), linkTarget: target)
    }

    /// Paths added or changed in `after` and paths removed from `self` (only the topmost of a removed subtree).
    func changes(to after: FileTree) -> (changed: [String], removed: [String]) {
        var changed: [String] = []
        for (path, node) in after.nodes where nodes[path] != node {
            // A directory whose only change is its mtime (a child was added) still needs its entry: children need
            // their parent in the layer, and its metadata may have changed.
            changed.append(path)
        }
        var removed: [String] = []
        for path in nodes.keys where after.nodes[path] == nil {
            let parent = FilePathText.parent(of: path)
            if parent.isEmpty || after.nodes[parent] != nil { removed.append(path) }
        }
        return (FileTree.sorted(changed), FileTree.sorted(removed))
    }

    /// Sorts paths so that parents come before their children, siblings in byte order.
    static func sorted(_ paths: [String]) -> [String] {
        paths.sorted { a, b in
            a.utf8.lazy.map { $0 == 47 ? 0 : $0 }.lexicographicallyPrecedes(b.utf8.lazy.map { $0 == 47 ? 0 : $0 })
        }
    }
}
