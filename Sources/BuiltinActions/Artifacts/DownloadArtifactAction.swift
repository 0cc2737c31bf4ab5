import Core
import Foundation
import Runner

struct DownloadArtifactAction: BuiltinAction {
    let names = ["actions/download-artifact"]

    /// `actions/download-artifact@v4`: one artifact by `name` into `path`, or every artifact (filtered by `pattern`)
    /// into `path/<name>/` — or all into `path` with `merge-multiple`. `run-id` reads another run's artifacts.
    func run(_ step: ActionStep) async throws -> StepOutcome {
        func input(_ key: String) -> String? { step.input(key) }
        let workspace = step.workspace
        func fail(_ message: String) -> StepOutcome { StepOutcome.failure(message) }
        var run = step.options.runID
        if let given = input("run-id") {
            guard let parsed = Int(given) else { return fail("run-id '\(given)' is not a number") }
            run = parsed
        }
        var destination = input("path") ?? workspace
        if destination.hasPrefix("~") { destination = NSHomeDirectory() + destination.dropFirst() }
        if !destination.hasPrefix("/") { destination = workspace + "/" + destination }
        destination = URL(fileURLWithPath: destination).standardizedFileURL.path
        let store = ArtifactStore(stateDirectory: step.options.stateDirectory)
        var chosen: [(ArtifactStore.Manifest, String)] = []
        if let name = input("name") {
            guard let manifest = store.manifest(run: run, name: name) else {
                return fail(
                    "Unable to download artifact(s): Artifact not found for name: \(name)\n        Please ensure that your artifact is "
                        + "not expired and the artifact was uploaded using a compatible version of toolkit/upload-artifact.\n        For "
                        + "more information, visit the GitHub Artifacts FAQ: "
                        + "https://github.com/actions/toolkit/blob/main/packages/artifact/docs/faq.md"
                )
            }
            chosen = [(manifest, destination)]
        } else {
            let pattern = input("pattern").map(PathGlob.init)
            let merge = input("merge-multiple")?.lowercased() == "true"
            for manifest in store.list(run: run) where pattern.map({ $0.matches(manifest.name) }) ?? true {
                chosen.append((manifest, merge ? destination : destination + "/" + manifest.name))
            }
            if chosen.isEmpty { await step.log("  | No artifacts found\(pattern.map { " matching \($0)" } ?? "") in run \(run)") }
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
            await step.log(
                "  | Artifact download completed successfully: \(manifest.name) (\(manifest.files.count) "
                    + "file\(manifest.files.count == 1 ? "" : "s")) → \(target)"
            )
        }
        await step.log("  | Total of \(chosen.count) artifact(s) downloaded")
        return StepOutcome(success: true, outputs: ["download-path": destination])
    }
}
