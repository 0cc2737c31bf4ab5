import Core
import Expressions
import Foundation

extension JobExecutor {
    /// `actions/upload-artifact@v4`: files chosen by `path` (globs, `!` exclusions, one per line) are stored under
    /// the run, relative to the deepest directory common to the search paths. Hidden files stay out unless
    /// `include-hidden-files`; a name may be uploaded once per run unless `overwrite`. A file holding a secret is
    /// refused, since stored files cannot be masked.
    func uploadArtifact(inputs: [(String, String)], state: State) async -> StepOutcome {
        func input(_ key: String) -> String? {
            inputs.first { $0.0.lowercased() == key }.map(\.1).flatMap { $0.isEmpty ? nil : $0 }
        }
        func fail(_ message: String) -> StepOutcome { StepOutcome(success: false, outputs: [:], message: message) }
        let name = input("name") ?? "artifact"
        if let bad = ArtifactStore.forbiddenNameCharacters.first(where: { name.contains($0.0) }) {
            return fail("The artifact name is not valid: \(name). Contains the following character: \(bad.1)")
        }
        guard let pathInput = input("path") else { return fail("Input required and not supplied: path") }
        let ifNoFiles = (input("if-no-files-found") ?? "warn").lowercased()
        guard ["warn", "error", "ignore"].contains(ifNoFiles) else {
            return fail("Unrecognized if-no-files-found input. Provided: \(ifNoFiles). Available options: warn, error, ignore")
        }
        var retention: Int?
        if let text = input("retention-days") {
            guard let days = Int(text), days >= 0 else {
                return fail("Invalid retention, input must be a value between 1 and 90")
            }
            retention = days
        }
        let includeHidden = input("include-hidden-files")?.lowercased() == "true"
        let selection = ArtifactSelection(patterns: pathInput, workspace: workspace, includeHidden: includeHidden)
        if selection.files.isEmpty {
            let message = "No files were found with the provided path: \(pathInput). No artifacts will be uploaded."
            switch ifNoFiles {
            case "error": return fail(message)
            case "warn": await emit(state, "Warning: \(message)")
            default: await emit(state, "  | \(message)")
            }
            return StepOutcome(success: true, outputs: [:])
        }
        await emit(state, "  | With the provided path, there will be \(selection.files.count) file\(selection.files.count == 1 ? "" : "s") uploaded")
        for file in selection.files {
            guard let data = FileManager.default.contents(atPath: file.source) else {
                return fail("cannot read \(file.source)")
            }
            if masker.isFound(in: data) {
                return fail("refusing to upload artifact '\(name)': \(file.path) contains a secret value (stored files cannot be masked)")
            }
        }
        let store = ArtifactStore(stateDirectory: options.stateDirectory)
        let manifest: ArtifactStore.Manifest
        do {
            manifest = try store.store(
                name: name, run: options.runID, files: selection.files, retentionDays: retention,
                overwrite: input("overwrite")?.lowercased() == "true")
        } catch {
            return fail(error.description)
        }
        let server = baseContext["github"]?["server_url"].coercedString ?? "https://github.com"
        let url = "\(server)/\(repositorySlug)/actions/runs/\(options.runID)/artifacts/\(manifest.id)"
        await emit(state, "  | Artifact \(name) has been successfully uploaded! Final size is \(manifest.size) bytes. Artifact ID is \(manifest.id)")
        await emit(state, "  | Artifact \(name) SHA256 hash: \(manifest.digest)")
        await emit(state, "  | Artifact download URL: \(url)")
        return StepOutcome(
            success: true,
            outputs: ["artifact-id": String(manifest.id), "artifact-url": url, "artifact-digest": manifest.digest])
    }

    /// `actions/download-artifact@v4`: one artifact by `name` into `path`, or every artifact (filtered by `pattern`)
    /// into `path/<name>/` — or all into `path` with `merge-multiple`. `run-id` reads another run's artifacts.
    func downloadArtifact(inputs: [(String, String)], state: State) async -> StepOutcome {
        func input(_ key: String) -> String? {
            inputs.first { $0.0.lowercased() == key }.map(\.1).flatMap { $0.isEmpty ? nil : $0 }
        }
        func fail(_ message: String) -> StepOutcome { StepOutcome(success: false, outputs: [:], message: message) }
        var run = options.runID
        if let given = input("run-id") {
            guard let parsed = Int(given) else { return fail("run-id '\(given)' is not a number") }
            run = parsed
        }
        var destination = input("path") ?? workspace
        if destination.hasPrefix("~") { destination = NSHomeDirectory() + destination.dropFirst() }
        if !destination.hasPrefix("/") { destination = workspace + "/" + destination }
        destination = URL(fileURLWithPath: destination).standardizedFileURL.path
        let store = ArtifactStore(stateDirectory: options.stateDirectory)
        var chosen: [(ArtifactStore.Manifest, String)] = []
        if let name = input("name") {
            guard let manifest = store.manifest(run: run, name: name) else {
                return fail("Unable to download artifact(s): Artifact not found for name: \(name)\n        Please ensure that your artifact is not expired and the artifact was uploaded using a compatible version of toolkit/upload-artifact.\n        For more information, visit the GitHub Artifacts FAQ: https://github.com/actions/toolkit/blob/main/packages/artifact/docs/faq.md")
            }
            chosen = [(manifest, destination)]
        } else {
            let pattern = input("pattern").map(PathGlob.init)
            let merge = input("merge-multiple")?.lowercased() == "true"
            for manifest in store.list(run: run) where pattern.map({ $0.matches(manifest.name) }) ?? true {
                chosen.append((manifest, merge ? destination : destination + "/" + manifest.name))
            }
            if chosen.isEmpty { await emit(state, "  | No artifacts found\(pattern.map { " matching \($0)" } ?? "") in run \(run)") }
        }
        for (manifest, target) in chosen {
            do {
                try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
                try store.extract(manifest, into: target)
            } catch let failure as ArtifactStore.Failure {
                return fail(failure.description)
            } catch {
                return fail("cannot create \(target): \(error.localizedDescription)")
            }
            await emit(state, "  | Artifact download completed successfully: \(manifest.name) (\(manifest.files.count) file\(manifest.files.count == 1 ? "" : "s")) → \(target)")
        }
        await emit(state, "  | Total of \(chosen.count) artifact(s) downloaded")
        return StepOutcome(success: true, outputs: ["download-path": destination])
    }
}

/// The files an upload's `path` input selects, relative to their common root.
struct ArtifactSelection {
    var root = ""
    var files: [(source: String, path: String)] = []

    init(patterns text: String, workspace: String, includeHidden: Bool) {
        var includes: [String] = []
        var excludes: [PathGlob] = []
        for line in text.split(whereSeparator: \.isNewline) {
            var pattern = line.trimmingCharacters(in: .whitespaces)
            guard !pattern.isEmpty, !pattern.hasPrefix("#") else { continue }
            let negated = pattern.hasPrefix("!")
            if negated { pattern.removeFirst() }
            if pattern.hasPrefix("~") { pattern = NSHomeDirectory() + pattern.dropFirst() }
            if !pattern.hasPrefix("/") { pattern = workspace + "/" + pattern }
            pattern = Self.normalize(pattern)
            if negated { excludes.append(PathGlob(pattern)) } else { includes.append(pattern) }
        }
        let fm = FileManager.default
        var searchPaths: [String] = []
        var found: Set<String> = []
        for pattern in includes {
            let search = PathGlob.searchRoot(pattern)
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: search, isDirectory: &isDirectory) else { continue }
            let glob = PathGlob(pattern)
            var candidates: [String] = []
            if isDirectory.boolValue {
                for relative in (fm.enumerator(atPath: search)?.allObjects as? [String]) ?? [] {
                    let path = search + "/" + relative
                    var directory: ObjCBool = false
                    if fm.fileExists(atPath: path, isDirectory: &directory), !directory.boolValue { candidates.append(path) }
                }
            } else {
                candidates = [search]
            }
            let matched = candidates.filter { glob.matchesSelfOrAncestor($0) }
            if !matched.isEmpty, !searchPaths.contains(search) { searchPaths.append(search) }
            found.formUnion(matched)
        }
        found = found.filter { file in !excludes.contains { $0.matchesSelfOrAncestor(file) } }
        guard !found.isEmpty else { return }
        root = Self.commonRoot(searchPaths)
        if searchPaths.count == 1, found == [searchPaths[0]] { root = (searchPaths[0] as NSString).deletingLastPathComponent }
        for file in found.sorted() {
            let relative = String(file.dropFirst(root == "/" ? 1 : root.count + 1))
            if !includeHidden, relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            files.append((file, relative))
        }
    }

    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The deepest directory containing every search path.
    static func commonRoot(_ paths: [String]) -> String {
        guard var common = paths.first?.split(separator: "/").map(String.init) else { return "/" }
        for path in paths.dropFirst() {
            let parts = path.split(separator: "/").map(String.init)
            common = Array(zip(common, parts).prefix { $0.0 == $0.1 }.map(\.0))
        }
        return "/" + common.joined(separator: "/")
    }
}
