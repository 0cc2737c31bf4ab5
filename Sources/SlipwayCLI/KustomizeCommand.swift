import ArgumentParser
import Foundation
import Manifests

/// `slipway kustomize`: kustomize v5's `build` and `edit`, natively. Invoked as `kustomize` (a symlink or argv[0]),
/// the binary behaves like these subcommands so scripts written for kustomize run unchanged.
struct KustomizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kustomize",
        abstract: "Render and edit kustomizations exactly like kustomize v5.5.",
        subcommands: [
            KustomizeBuildCommand.self, KustomizeBuildAllCommand.self, KustomizeEditCommand.self,
            KustomizeVersionCommand.self,
        ]
    )
}

/// `slipway kustomize build DIR`.
struct KustomizeBuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Print the resources of a kustomization, as `kustomize build` does."
    )

    @Argument(help: "The directory holding kustomization.yaml, or a git URL such as https://github.com/org/repo//path?ref=v1.")
    var directory: String = "."

    @Option(name: .customLong("load-restrictor"), help: "LoadRestrictionsRootOnly (default) or LoadRestrictionsNone.")
    var loadRestrictor: String = "LoadRestrictionsRootOnly"

    @Option(name: [.customShort("o"), .customLong("output")], help: "Write to this file instead of stdout.")
    var output: String?

    func run() async throws {
        guard ["LoadRestrictionsRootOnly", "LoadRestrictionsNone"].contains(loadRestrictor) else {
            throw CommandFailure("illegal flag value --load-restrictor \(loadRestrictor)")
        }
        let kustomizer = Kustomizer(options: .init(restrictFilesToRoot: loadRestrictor == "LoadRestrictionsRootOnly"))
        do {
            let result = try await kustomizer.build(directory: directory)
            for warning in result.warnings { FileHandle.standardError.write(Data((warning + "\n").utf8)) }
            let text = try result.yaml()
            if let output {
                try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            } else {
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        } catch let error as KustomizeError {
            throw CommandFailure(error.description)
        }
    }
}

/// `slipway kustomize build-all DIR...`: renders many kustomizations in one process (sharing parsed files), e.g. to
/// check every overlay of a GitOps repository in CI.
struct KustomizeBuildAllCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build-all",
        abstract: "Render several kustomizations in one process and report each one's result."
    )

    @Argument(help: "Directories holding kustomization.yaml.")
    var directories: [String] = []

    @Option(name: .customLong("output-dir"), help: "Also write each rendering to <dir>/<n>.yaml.")
    var outputDirectory: String?

    func run() async throws {
        let kustomizer = Kustomizer()
        var failures = 0
        let clock = ContinuousClock()
        let start = clock.now
        for (index, directory) in directories.enumerated() {
            do {
                let text = try await kustomizer.build(directory: directory).yaml()
                if let outputDirectory {
                    try Data(text.utf8).write(to: URL(fileURLWithPath: "\(outputDirectory)/\(index).yaml"))
                }
            } catch let error as KustomizeError {
                failures += 1
                FileHandle.standardError.write(Data("\(directory): \(error)\n".utf8))
            }
        }
        let elapsed = clock.now - start
        print("rendered \(directories.count - failures) of \(directories.count) kustomizations in \(elapsed)")
        if failures > 0 { throw ExitCode(1) }
    }
}

/// `kustomize version`, for scripts that check it.
struct KustomizeVersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the kustomize version Slipway follows.")

    func run() {
        print("v5.5.0 (slipway)")
    }
}
