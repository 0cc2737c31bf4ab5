import ArgumentParser
import Foundation
import Manifests

/// `slipway kustomize`: kustomize v5's `build` and `edit`, natively. Invoked as `kustomize` (a symlink or argv[0]),
/// the binary behaves like these subcommands so scripts written for kustomize run unchanged.
struct KustomizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kustomize",
        abstract: "Render and edit kustomizations exactly like kustomize v5.5.",
        subcommands: [KustomizeBuildCommand.self, KustomizeEditCommand.self, KustomizeVersionCommand.self]
    )
}

/// `slipway kustomize build DIR`.
struct KustomizeBuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Print the resources of a kustomization, as `kustomize build` does."
    )

    @Argument(help: "The directory holding kustomization.yaml.")
    var directory: String = "."

    @Option(name: .customLong("load-restrictor"), help: "LoadRestrictionsRootOnly (default) or LoadRestrictionsNone.")
    var loadRestrictor: String = "LoadRestrictionsRootOnly"

    @Option(name: [.customShort("o"), .customLong("output")], help: "Write to this file instead of stdout.")
    var output: String?

    func run() throws {
        guard ["LoadRestrictionsRootOnly", "LoadRestrictionsNone"].contains(loadRestrictor) else {
            throw KustomizeCLIError("illegal flag value --load-restrictor \(loadRestrictor)")
        }
        let kustomizer = Kustomizer(options: .init(restrictFilesToRoot: loadRestrictor == "LoadRestrictionsRootOnly"))
        do {
            let result = try kustomizer.build(directory: directory)
            for warning in result.warnings { FileHandle.standardError.write(Data((warning + "\n").utf8)) }
            let text = try result.yaml()
            if let output {
                try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            } else {
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        } catch let error as KustomizeError {
            throw KustomizeCLIError(error.description)
        }
    }
}

/// A kustomize failure: printed as `Error: ...` with exit status 1, as kustomize prints it.
struct KustomizeCLIError: Error, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// `kustomize version`, for scripts that check it.
struct KustomizeVersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the kustomize version Slipway follows.")

    func run() {
        print("v5.5.0 (slipway)")
    }
}
