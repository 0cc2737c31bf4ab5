import Foundation
import Runner

/// `imranismail/setup-kustomize`: Slipway renders and edits kustomizations itself, so the `kustomize` put on `PATH`
/// is Slipway's own binary (it acts as kustomize when invoked by that name).
struct SetupKustomizeAction: BuiltinAction {
    let names = ["imranismail/setup-kustomize"]

    func run(_ step: ActionStep) async throws -> StepOutcome {
        let tools = "\(step.options.stateDirectory)/toolcache/kustomize-slipway"
        let link = tools + "/kustomize"
        // A host that embeds the engine (a test process, a server) names the slipway binary in SLIPWAY_EXECUTABLE.
        guard let executable = SlipwayExecutable.path else { return .failure("\(step.name): cannot locate the slipway executable") }
        try? FileManager.default.createDirectory(atPath: tools, withIntermediateDirectories: true)
        if (try? FileManager.default.destinationOfSymbolicLink(atPath: link)) != executable {
            try? FileManager.default.removeItem(atPath: link)
            do {
                try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: executable)
            } catch {
                return .failure("\(step.name): cannot create \(link): \(error)")
            }
        }
        step.prependPath(tools)
        await step.log("  | kustomize is Slipway's built-in kustomize v5.5 (\(link))")
        return .success()
    }
}
