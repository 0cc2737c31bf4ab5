import Core
import Foundation
import Runner

/// `actions/cache@v4` and its `restore`/`save` halves.
struct CacheAction: BuiltinAction {
    let names = ["actions/cache", "actions/cache/restore", "actions/cache/save"]

    /// A local store: exact key, else the newest entry whose key starts with a restore key; the full action saves in
    /// a post step when the job succeeded and the key was not an exact hit. Entries are immutable, as on GitHub.
    func run(_ step: ActionStep) async throws -> StepOutcome {
        let variant = String(step.name.dropFirst("actions/cache".count).drop { $0 == "/" })
        func input(_ key: String) -> String? { step.input(key) }
        func lines(_ key: String) -> [String] {
            (input(key) ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
        }
        func fail(_ message: String) -> StepOutcome { StepOutcome.failure(message) }
        guard let key = input("key") else { return fail("Input required and not supplied: key") }
        if key.count > 512 { return fail("Key Validation Error: \(key) cannot be larger than 512 characters.") }
        if key.contains(",") { return fail("Key Validation Error: \(key) cannot contain commas.") }
        let paths = lines("path")
        guard !paths.isEmpty else { return fail("Input required and not supplied: path") }
        let store = ActionCacheStore(repository: step.repository)
        let version = ActionCacheStore.version(paths: paths)
        let workspace = step.workspace

        if variant == "save" {
            return await saveCache(store: store, key: key, version: version, paths: paths, step: step)
        }
        let restoreKeys = lines("restore-keys")
        var outputs = ["cache-primary-key": key]
        var exactHit = false
        if let found = store.lookup(key: key, restoreKeys: restoreKeys, version: version) {
            exactHit = found.entry.key == key
            outputs["cache-hit"] = exactHit ? "true" : "false"
            outputs["cache-matched-key"] = found.entry.key
            if input("lookup-only")?.lowercased() == "true" {
                await step.log("  | Cache found and can be restored from key: \(found.entry.key)")
            } else {
                do {
                    let count = try store.restore(found.directory, workspace: workspace)
                    await step.log(
                        "  | Cache restored from key: \(found.entry.key) (\(count) file\(count == 1 ? "" : "s"), \(found.entry.size) bytes)"
                    )
                } catch {
                    await step.log("Warning: Failed to restore: \(error.localizedDescription)")
                }
            }
        } else {
            outputs["cache-hit"] = "false"
            if input("fail-on-cache-miss")?.lowercased() == "true" {
                return fail("Failed to restore cache entry. Exiting as fail-on-cache-miss is set. Input key: \(key)")
            }
            await step.log("  | Cache not found for input keys: \(([key] + restoreKeys).joined(separator: ", "))")
        }
        if variant.isEmpty && !exactHit {
            step.addPostStep("actions/cache (save \(key))") {
                await saveCache(store: store, key: key, version: version, paths: paths, step: step)
            }
        } else if variant.isEmpty {
            step.addPostStep("actions/cache (save \(key))") {
                await step.log("  | Cache hit occurred on the primary key \(key), not saving cache.")
                return StepOutcome(success: true, outputs: [:])
            }
        }
        return StepOutcome(success: true, outputs: outputs)
    }

    func saveCache(store: ActionCacheStore, key: String, version: String, paths: [String], step: ActionStep) async -> StepOutcome {
        let selection = ArtifactSelection(patterns: paths.joined(separator: "\n"), workspace: step.workspace, includeHidden: true)
        let root = URL(fileURLWithPath: step.workspace).standardizedFileURL.path
        let files = selection.files.map { file in
            (
                source: file.source,
                path: file.source.hasPrefix(root + "/") ? "ws/" + file.source.dropFirst(root.count + 1) : "abs" + file.source
            )
        }
        // Stored files cannot be masked: a cache holding a secret in any encoding is not saved (as for artifacts).
        for file in files {
            guard let data = try? Data(contentsOf: URL(fileURLWithPath: file.source), options: .alwaysMapped) else { continue }
            if step.containsSecret(data) {
                await step.log("Warning: not saving cache \(key): \(file.path) contains a secret value (stored files cannot be masked)")
                return StepOutcome(success: true, outputs: [:])
            }
        }
        do {
            switch try store.save(key: key, version: version, files: files) {
            case .saved(let size):
                await step.log("  | Cache saved with key: \(key) (\(files.count) file\(files.count == 1 ? "" : "s"), \(size) bytes)")
            case .exists:
                await step.log("Warning: Failed to save: Unable to reserve cache with key \(key), another job may be creating this cache.")
            case .empty:
                await step.log(
                    "Warning: Path Validation Error: Path(s) specified in the action for caching do(es) not exist, hence no cache is "
                        + "being saved."
                )
            }
        } catch {
            await step.log("Warning: Failed to save: \(error.localizedDescription)")
        }
        return StepOutcome(success: true, outputs: [:])
    }
}
