import Core
import Foundation
import Glibc
import Images
import OCI

/// Debian's buildah as the reference builder: the same base image in its own storage (vfs, chroot isolation, no
/// daemon), a build per Dockerfile, and the root filesystem and config it produced, to compare with Slipway's.
struct BuildahOracle {
    static let baseReference = "localhost/oracle-base:1"

    static var executable: String? {
        ["/usr/bin/buildah", "/usr/local/bin/buildah"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// buildah with vfs storage needs root; so does recording other owners than our own in Slipway's layers.
    static var isUsable: Bool { executable != nil && getuid() == 0 && ImageFixtures.busybox != nil }

    let root: String
    let executable: String

    /// Storage under `directory`, holding the base image that `store` holds as `baseReference` (copied layer for
    /// layer with skopeo, so both builders start from identical bytes).
    static func prepare(in directory: String, store: ImageStore) async throws -> BuildahOracle {
        guard let executable else { throw ImageError.unsupported("buildah is not installed (scripts/setup installs it)") }
        let oracle = BuildahOracle(root: directory + "/buildah", executable: executable)
        let layout = directory + "/base-layout"
        let copy = try await ImageFixtures.command(
            "skopeo", ["copy", "-q", "oci:\(store.root):\(baseReference)", "oci:\(layout):base"])
        guard copy.succeeded else { throw ImageError.unsupported("skopeo copy of the base failed: \(copy.standardError)") }
        let pulled = try await oracle.buildah(["pull", "-q", "oci:\(layout):base"])
        let id = pulled.split(separator: "\n").last.map(String.init) ?? ""
        _ = try await oracle.buildah(["tag", id, baseReference])
        return oracle
    }

    @discardableResult
    func buildah(_ arguments: [String]) async throws -> String {
        let result = try await CapturedCommand.run(
            executable, ["--root", root + "/storage", "--runroot", root + "/run", "--storage-driver", "vfs"] + arguments,
            environment: ["BUILDAH_ISOLATION": "chroot"], timeout: .seconds(300))
        guard result.succeeded else {
            throw OracleFailure(what: "buildah \(arguments.prefix(3).joined(separator: " "))", output: result.standardError)
        }
        return result.standardOutput
    }

    struct OracleFailure: Error, CustomStringConvertible {
        var what: String
        var output: String
        var description: String { "\(what) failed: \(output.suffix(600))" }
    }

    /// Builds `context` and answers its files and config, or the error buildah gave.
    func build(context: String, tag: String) async throws -> (FilesystemSnapshot, ImageConfig.ContainerConfig) {
        try await buildah([
            "build", "-q", "--isolation", "chroot", "--pull=never", "--network", "host", "-t", tag, "-f", context + "/Dockerfile",
            context,
        ])
        let container = try await buildah(["from", "--pull=never", tag]).trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            let mountPoint = try await buildah(["mount", container]).trimmingCharacters(in: .whitespacesAndNewlines)
            let snapshot = try FilesystemSnapshot.of(mountPoint)
            let inspect = try await buildah(["inspect", "--type", "image", tag])
            try await buildah(["rm", container])
            try await buildah(["rmi", "-f", tag])
            return (snapshot.withoutRuntimeStubs(), try Self.config(fromInspect: inspect))
        } catch {
            _ = try? await buildah(["rm", container])
            throw error
        }
    }

    /// The OCI config inside `buildah inspect`'s JSON.
    static func config(fromInspect text: String) throws -> ImageConfig.ContainerConfig {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
            let oci = object["OCIv1"] as? [String: Any], let config = oci["config"]
        else { throw ImageError.unsupported("buildah inspect: no OCIv1.config") }
        let data = try JSONSerialization.data(withJSONObject: config)
        return try JSONDecoder().decode(ImageConfig.ContainerConfig.self, from: data)
    }
}

/// Every path of a root filesystem with what the comparison looks at: type, permission bits, owner, content digest
/// or link target. Times are left out (they are the build's, not the Dockerfile's).
struct FilesystemSnapshot: Equatable, CustomStringConvertible {
    struct Entry: Equatable, CustomStringConvertible {
        var type: String
        var mode: UInt32
        var uid: UInt32
        var gid: UInt32
        var content: String

        var description: String { "\(type) \(String(mode, radix: 8)) \(uid):\(gid) \(content)" }
    }

    var entries: [String: Entry]

    static func of(_ root: String) throws -> FilesystemSnapshot {
        var entries: [String: Entry] = [:]
        func walk(_ relative: String) throws {
            let path = relative.isEmpty ? root : root + "/" + relative
            var info = stat()
            guard lstat(path, &info) == 0 else { throw ImageError.io(path, String(cString: strerror(errno))) }
            let format = info.st_mode & S_IFMT
            var entry = Entry(type: "?", mode: info.st_mode & 0o7777, uid: info.st_uid, gid: info.st_gid, content: "")
            switch format {
            case S_IFDIR: entry.type = "dir"
            case S_IFREG:
                entry.type = "file"
                entry.content = Digest.sha256(ofFile: path)?.hex.prefix(16).description ?? "unreadable"
            case S_IFLNK:
                entry.type = "link"
                entry.mode = 0
                entry.content = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
            default: entry.type = "special"
            }
            if !relative.isEmpty { entries[relative] = entry }
            if format == S_IFDIR {
                for child in try FileManager.default.contentsOfDirectory(atPath: path).sorted() {
                    try walk(relative.isEmpty ? child : relative + "/" + child)
                }
            }
        }
        try walk("")
        return FilesystemSnapshot(entries: entries)
    }

    /// buildah leaves the mount points of its RUN sandbox in the image (empty /dev, /proc, /sys, /run and empty
    /// /etc/hosts, /etc/hostname, /etc/resolv.conf); Docker's builder does not, and neither does Slipway's.
    func withoutRuntimeStubs() -> FilesystemSnapshot {
        var copy = self
        for directory in ["dev", "proc", "sys", "run"] {
            if copy.entries[directory]?.type == "dir", !copy.entries.keys.contains(where: { $0.hasPrefix(directory + "/") }) {
                copy.entries[directory] = nil
            }
        }
        for file in ["etc/hosts", "etc/hostname", "etc/resolv.conf"] where copy.entries[file]?.content == Self.emptyDigest {
            copy.entries[file] = nil
        }
        return copy
    }

    static let emptyDigest = String(Digest.sha256(of: Data()).hex.prefix(16))

    /// The paths that differ, each with both sides, at most `limit` of them.
    func differences(from expected: FilesystemSnapshot, limit: Int = 12) -> [String] {
        var lines: [String] = []
        for path in Set(entries.keys).union(expected.entries.keys).sorted() where entries[path] != expected.entries[path] {
            lines.append(
                "/\(path): slipway \(entries[path]?.description ?? "absent"), buildah \(expected.entries[path]?.description ?? "absent")")
        }
        return lines.count > limit ? Array(lines.prefix(limit)) + ["… \(lines.count - limit) more"] : lines
    }

    var description: String { entries.sorted { $0.key < $1.key }.map { "/\($0.key) \($0.value)" }.joined(separator: "\n") }
}
