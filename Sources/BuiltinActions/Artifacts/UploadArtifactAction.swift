import Core
import Foundation
import Runner

struct UploadArtifactAction: BuiltinAction {
    let names = ["actions/upload-artifact"]

    /// `actions/upload-artifact@v4`: files chosen by `path` (globs, `!` exclusions, one per line) are stored under
    /// the run, relative to the deepest directory common to the search paths. Hidden files stay out unless
    /// `include-hidden-files`; a name may be uploaded once per run unless `overwrite`. A file holding a secret is
    /// refused, since stored files cannot be masked.
    func run(_ step: ActionStep) async throws -> StepOutcome {
        func input(_ key: String) -> String? { step.input(key) }
        func fail(_ message: String) -> StepOutcome { StepOutcome.failure(message) }
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
        let selection = ArtifactSelection(patterns: pathInput, workspace: step.workspace, includeHidden: includeHidden)
        if selection.files.isEmpty {
            let message = "No files were found with the provided path: \(pathInput). No artifacts will be uploaded."
            switch ifNoFiles {
            case "error": return fail(message)
            case "warn": await step.log("Warning: \(message)")
            default: await step.log("  | \(message)")
            }
            return StepOutcome(success: true, outputs: [:])
        }
        await step.log(
            "  | With the provided path, there will be \(selection.files.count) file\(selection.files.count == 1 ? "" : "s") uploaded")
        for file in selection.files {
            guard let data = FileManager.default.contents(atPath: file.source) else {
                return fail("cannot read \(file.source)")
            }
            if step.containsSecret(data) {
                return fail("refusing to upload artifact '\(name)': \(file.path) contains a secret value (stored files cannot be masked)")
            }
        }
        let store = ArtifactStore(stateDirectory: step.options.stateDirectory)
        let manifest: ArtifactStore.Manifest
        do {
            manifest = try store.store(
                name: name, run: step.options.runID, files: selection.files, retentionDays: retention,
                overwrite: input("overwrite")?.lowercased() == "true")
        } catch {
            return fail(error.description)
        }
        let server = step.serverURL
        let url = "\(server)/\(step.repository)/actions/runs/\(step.options.runID)/artifacts/\(manifest.id)"
        await step.log(
            "  | Artifact \(name) has been successfully uploaded! Final size is \(manifest.size) bytes. Artifact ID is \(manifest.id)")
        await step.log("  | Artifact \(name) SHA256 hash: \(manifest.digest)")
        await step.log("  | Artifact download URL: \(url)")
        return StepOutcome(
            success: true,
            outputs: ["artifact-id": String(manifest.id), "artifact-url": url, "artifact-digest": manifest.digest])
    }
}
