import Core
import Foundation

extension JobExecutor {
    /// A step that runs when the job ends (in reverse order of registration), as actions' `post:` entries do.
    struct PostStep: Sendable {
        var name: String
        /// `post-if: success()` by default: skipped when the job failed or was cancelled.
        var onlyOnSuccess = true
        var body: @Sendable () async -> StepOutcome
    }

    /// `actions/cache@v4` and its `restore`/`save` halves over a local store: exact key, else the newest entry whose
    /// key starts with a restore key; the full action saves in a post step when the job succeeded and the key was not
    /// an exact hit. Entries are immutable, as on GitHub.
    func cacheAction(_ variant: String, inputs: [(String, String)], state: State) async -> StepOutcome {
        func input(_ key: String) -> String? {
            inputs.first { $0.0.lowercased() == key }.map(\.1).flatMap { $0.isEmpty ? nil : $0 }
        }
        func lines(_ key: String) -> [String] {
            (input(key) ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
        }
        func fail(_ message: String) -> StepOutcome { StepOutcome(success: false, outputs: [:], message: message) }
        guard let key = input("key") else { return fail("Input required and not supplied: key") }
        if key.count > 512 { return fail("Key Validation Error: \(key) cannot be larger than 512 characters.") }
        if key.contains(",") { return fail("Key Validation Error: \(key) cannot contain commas.") }
        let paths = lines("path")
        guard !paths.isEmpty else { return fail("Input required and not supplied: path") }
        let store = ActionCacheStore(repository: repositorySlug)
        let version = ActionCacheStore.version(paths: paths)
        let workspace = self.workspace

        if variant == "save" {
            return await saveCache(store: store, key: key, version: version, paths: paths, state: state)
        }
        let restoreKeys = lines("restore-keys")
        var outputs = ["cache-primary-key": key]
        var exactHit = false
        if let found = store.lookup(key: key, restoreKeys: restoreKeys, version: version) {
            exactHit = found.entry.key == key
            outputs["cache-hit"] = exactHit ? "true" : "false"
            outputs["cache-matched-key"] = found.entry.key
            if input("lookup-only")?.lowercased() == "true" {
                await emit(state, "  | Cache found and can be restored from key: \(found.entry.key)")
            } else {
                do {
                    let count = try store.restore(found.directory, workspace: workspace)
                    await emit(state, "  | Cache restored from key: \(found.entry.key) (\(count) file\(count == 1 ? "" : "s"), \(found.entry.size) bytes)")
                } catch {
                    await emit(state, "Warning: Failed to restore: \(error.localizedDescription)")
                }
            }
        } else {
            outputs["cache-hit"] = "false"
            if input("fail-on-cache-miss")?.lowercased() == "true" {
                return fail("Failed to restore cache entry. Exiting as fail-on-cache-miss is set. Input key: \(key)")
            }
            await emit(state, "  | Cache not found for input keys: \(([key] + restoreKeys).joined(separator: ", "))")
        }
        if variant.isEmpty && !exactHit {
            state.postSteps.append(PostStep(name: "actions/cache (save \(key))") {
                await self.saveCache(store: store, key: key, version: version, paths: paths, state: state)
            })
        } else if variant.isEmpty {
            state.postSteps.append(PostStep(name: "actions/cache (save \(key))") {
                await self.emit(state, "  | Cache hit occurred on the primary key \(key), not saving cache.")
                return StepOutcome(success: true, outputs: [:])
            })
        }
        return StepOutcome(success: true, outputs: outputs)
    }

    func saveCache(store: ActionCacheStore, key: String, version: String, paths: [String], state: State) async -> StepOutcome {
        let selection = ArtifactSelection(patterns: paths.joined(separator: "\n"), workspace: workspace, includeHidden: true)
        let root = URL(fileURLWithPath: workspace).standardizedFileURL.path
        let files = selection.files.map { file in
            (source: file.source, path: file.source.hasPrefix(root + "/") ? "ws/" + file.source.dropFirst(root.count + 1) : "abs" + file.source)
        }
        do {
            switch try store.save(key: key, version: version, files: files) {
            case .saved(let size):
                await emit(state, "  | Cache saved with key: \(key) (\(files.count) file\(files.count == 1 ? "" : "s"), \(size) bytes)")
            case .exists:
                await emit(state, "Warning: Failed to save: Unable to reserve cache with key \(key), another job may be creating this cache.")
            case .empty:
                await emit(state, "Warning: Path Validation Error: Path(s) specified in the action for caching do(es) not exist, hence no cache is being saved.")
            }
        } catch {
            await emit(state, "Warning: Failed to save: \(error.localizedDescription)")
        }
        return StepOutcome(success: true, outputs: [:])
    }

    /// Runs the registered post steps, last registered first, recording each as `Post <name>`.
    func runPostSteps(_ state: State) async {
        for (index, post) in state.postSteps.enumerated().reversed() {
            let started = ContinuousClock.now
            guard !post.onlyOnSuccess || (!state.failed && !state.cancelled) else {
                state.records.append(StepRecord(id: "post-\(index)", name: "Post \(post.name)", outcome: .skipped, conclusion: .skipped, outputs: [:], duration: 0))
                continue
            }
            await emit(state, "⭐ Post \(post.name)")
            let outcome = await post.body()
            if !outcome.success {
                state.failed = true
                if let message = outcome.message { await emit(state, "❌ \(message)") }
            }
            let result: Conclusion = outcome.success ? .success : .failure
            state.records.append(StepRecord(
                id: "post-\(index)", name: "Post \(post.name)", outcome: result, conclusion: result, outputs: [:],
                duration: (ContinuousClock.now - started).seconds))
        }
    }
}
