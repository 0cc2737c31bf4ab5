import Core
import Foundation
import Runner

/// `actions/setup-node` and `actions/setup-python`.
struct SetupHostToolAction: BuiltinAction {
    let names = ["actions/setup-node", "actions/setup-python"]

    func run(_ step: ActionStep) async throws -> StepOutcome { await setupHostTool(step.name, step: step) }

    /// `actions/setup-node` and `actions/setup-python`: the host's `node` / `python3` when its version satisfies
    /// `node-version` / `python-version` (node-semver ranges, or the version file), otherwise a clear error — Slipway
    /// never downloads a toolchain.
    func setupHostTool(_ name: String, step: ActionStep) async -> StepOutcome {
        func input(_ key: String) -> String? { step.trimmedInput(key) }
        let isNode = name == "actions/setup-node"
        let tool = isNode ? "node" : "python3"
        let versionKey = isNode ? "node-version" : "python-version"
        var requested = input(versionKey)?.split(whereSeparator: \.isNewline).first.map(String.init)
        if requested == nil, let file = input(versionKey + "-file") {
            let path = file.hasPrefix("/") ? file : step.workspace + "/" + file
            requested = (try? String(contentsOfFile: path, encoding: .utf8))?
                .split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) }
            if requested == nil {
                return StepOutcome.failure("\(name): cannot read the version file \(path)")
            }
        }
        let binary = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/\(tool)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let binary else {
            return StepOutcome.failure("\(name): '\(tool)' is not installed on this host; install it or map the action with --action-map")
        }
        let answer = try? await CapturedCommand.run(binary, ["--version"], timeout: .seconds(30))
        let text = ((answer?.standardOutput ?? "") + (answer?.standardError ?? "")).trimmingCharacters(in: .whitespacesAndNewlines)
        let digits = text.drop { !$0.isNumber }.prefix { $0.isNumber || $0 == "." }
        guard let version = ToolVersion(String(digits)) else {
            return StepOutcome.failure("\(name): cannot tell the version of \(binary) ('\(text)')")
        }
        if var requested {
            if isNode, requested.lowercased() == "lts/*" || requested.lowercased() == "node" { requested = "*" }
            if requested.lowercased().hasPrefix("pypy") || requested.lowercased().hasPrefix("graalpy") {
                return StepOutcome.failure("\(name): '\(requested)' is not available: only the host's \(tool) \(version) is")
            }
            guard let spec = VersionSpec(requested) else {
                return StepOutcome.failure("\(name): '\(requested)' is not a valid version or range")
            }
            guard spec.accepts(version) else {
                return StepOutcome(
                    success: false, outputs: [:],
                    message:
                        "\(name): \(versionKey) '\(requested)' is not satisfied by the host's \(tool) \(version) (\(binary)); Slipway "
                        + "never downloads toolchains — install a matching \(tool)"
                )
            }
        }
        await step.log("  | using host \(tool) \(version) at \(binary)")
        let outputs = isNode ? ["node-version": "v\(version)"] : ["python-version": version.description, "python-path": binary]
        return StepOutcome(success: true, outputs: outputs)
    }
}
