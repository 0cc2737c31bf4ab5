import Core
import Crypto
import Foundation

/// The artifacts of workflow runs, kept under the state directory as `artifacts/<run id>/<name>/` — the files as
/// uploaded plus `artifact.json` — so later jobs of the run and later runs (`download-artifact` with `run-id`, as a
/// `workflow_run` chain does) can read them. An artifact appears atomically (built aside, then renamed into place).
struct ArtifactStore: Sendable {
    /// What `artifact.json` records.
    struct Manifest: Codable, Sendable, Hashable {
        struct File: Codable, Sendable, Hashable {
            var path: String
            var size: Int
            var sha256: String
        }
        var name: String
        var id: Int
        var runID: Int
        var size: Int
        /// SHA-256 over the sorted `path NUL sha256 LF` lines of the files: stable for the same content.
        var digest: String
        var retentionDays: Int?
        var createdAt: Date
        var files: [File]
    }

    enum Failure: Error, CustomStringConvertible {
        case exists(String)
        case io(String)
        var description: String {
            switch self {
            case .exists(let name):
                "Failed to CreateArtifact: Received non-retryable error: Failed request: (409) Conflict: an artifact with this name "
                    + "already exists on the workflow run (\(name))"
            case .io(let message): message
            }
        }
    }

    let root: String

    init(stateDirectory: String) {
        root = stateDirectory + "/artifacts"
    }

    func directory(run: Int, name: String) -> String { "\(root)/\(run)/\(name)" }

    /// The characters `actions/upload-artifact@v4` refuses in names.
    static let forbiddenNameCharacters: [(Character, String)] = [
        ("\"", "Double quote \""), (":", "Colon :"), ("<", "Less than <"), (">", "Greater than >"), ("|", "Vertical bar |"),
        ("*", "Asterisk *"), ("?", "Question mark ?"), ("\r", "Carriage return \\r"), ("\n", "Line feed \\n"),
        ("\\", "Backslash \\"), ("/", "Forward slash /"),
    ]

    /// Stores `files` (absolute source path → path inside the artifact) as artifact `name` of run `run`.
    func store(
        name: String, run: Int, files: [(source: String, path: String)], retentionDays: Int?, overwrite: Bool
    ) throws(Failure) -> Manifest {
        let fm = FileManager.default
        let runDirectory = "\(root)/\(run)"
        let scratch = "\(runDirectory)/.upload-\(UUID().uuidString)"
        defer { try? fm.removeItem(atPath: scratch) }
        var entries: [Manifest.File] = []
        do {
            try fm.createDirectory(atPath: scratch + "/files", withIntermediateDirectories: true)
            for file in files {
                let target = scratch + "/files/" + file.path
                try fm.createDirectory(
                    atPath: FilePathText.parent(of: target), withIntermediateDirectories: true)
                try fm.copyItem(atPath: file.source, toPath: target)
                let data = try Data(contentsOf: URL(fileURLWithPath: target))
                entries.append(.init(path: file.path, size: data.count, sha256: Self.hex(SHA256.hash(data: data))))
            }
        } catch {
            throw .io("cannot store artifact '\(name)': \(error.localizedDescription)")
        }
        entries.sort { $0.path < $1.path }
        var outer = SHA256()
        for entry in entries { outer.update(data: Data("\(entry.path)\0\(entry.sha256)\n".utf8)) }
        let manifest = Manifest(
            name: name, id: Self.identifier(run: run, name: name), runID: run, size: entries.reduce(0) { $0 + $1.size },
            digest: Self.hex(outer.finalize()), retentionDays: retentionDays, createdAt: Date(), files: entries)
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            try encoder.encode(manifest).write(to: URL(fileURLWithPath: scratch + "/artifact.json"))
        } catch {
            throw .io("cannot store artifact '\(name)': \(error.localizedDescription)")
        }
        let target = directory(run: run, name: name)
        if overwrite { try? fm.removeItem(atPath: target) }
        // rename(2) refuses to replace a non-empty directory: of two jobs uploading one name, exactly one wins.
        guard rename(scratch, target) == 0 else {
            if errno == ENOTEMPTY || errno == EEXIST { throw .exists(name) }
            throw .io("cannot store artifact '\(name)': \(String(cString: strerror(errno)))")
        }
        return manifest
    }

    /// The artifacts of `run`, by name.
    func list(run: Int) -> [Manifest] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "\(root)/\(run)")) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().compactMap { manifest(run: run, name: $0) }
    }

    func manifest(run: Int, name: String) -> Manifest? {
        guard let data = FileManager.default.contents(atPath: directory(run: run, name: name) + "/artifact.json") else {
            return nil
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(Manifest.self, from: data)
    }

    /// Copies the files of `manifest` into `destination`, replacing files of the same path.
    func extract(_ manifest: Manifest, into destination: String) throws(Failure) {
        let fm = FileManager.default
        let source = directory(run: manifest.runID, name: manifest.name) + "/files/"
        do {
            for file in manifest.files {
                let target = destination + "/" + file.path
                try fm.createDirectory(atPath: FilePathText.parent(of: target), withIntermediateDirectories: true)
                if fm.fileExists(atPath: target) { try fm.removeItem(atPath: target) }
                try fm.copyItem(atPath: source + file.path, toPath: target)
            }
        } catch {
            throw .io("cannot download artifact '\(manifest.name)': \(error.localizedDescription)")
        }
    }

    static func identifier(run: Int, name: String) -> Int {
        let digest = Array(SHA256.hash(data: Data("\(run)/\(name)".utf8)))
        return Int(digest.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) } & 0x7fff_ffff)
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
