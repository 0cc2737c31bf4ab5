import ArgumentParser
import Core
import Delivery
import Foundation
import GitLabCI

/// What every `slipway gitlab` command reads: the repository, the CI file, projects for `include: project`.
struct GitLabFileOptions: ParsableArguments {
    @Option(name: [.customShort("C"), .customLong("directory")], help: "The repository (default: the current directory).")
    var directory: String?

    @Option(name: .customLong("file"), help: "The CI file, relative to the repository (default: .gitlab-ci.yml).")
    var file: String = ".gitlab-ci.yml"

    @Option(name: .customLong("repo-map"), help: "A local checkout for include: project: group/project=PATH (repeatable).")
    var repoMaps: [String] = []

    @Option(
        name: .customLong("target-data-dir"),
        help: "The local target whose Kubernetes API jobs reach through KUBECONFIG, when it runs (default: ~/.local/share/slipway/local).")
    var targetDataDirectory: String = DataDirectory.path(for: "local")

    @Option(
        name: .customLong("kube-context"),
        help: "A context name jobs may select with kubectl (repeatable; KUBE_CONTEXT values and environment agents are added).")
    var kubeContexts: [String] = []

    var root: String {
        let path = directory ?? FileManager.default.currentDirectoryPath
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    func loader() throws -> GitLabConfigLoader {
        GitLabConfigLoader(repositoryRoot: root, configPath: file, projectMap: try parsePairs(repoMaps, what: "--repo-map"))
    }

    /// The configuration, or its problems printed and exit status 2.
    func load() async throws -> GitLabConfig {
        let loader = try loader()
        do {
            let config = try await loader.load()
            for warning in config.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
            return config
        } catch {
            FileHandle.standardError.write(Data("This GitLab CI configuration is invalid:\n\(error.description)\n".utf8))
            throw ExitCode(2)
        }
    }
}

extension GitLabFileOptions {
    /// KUBECONFIG for the pipeline's jobs when the local target runs; nil (and no KUBECONFIG) otherwise.
    func kubeconfig(for config: GitLabConfig, stateDirectory: String) -> String? {
        do {
            return try LocalTargetKubeconfig.write(
                targetDataDirectory: targetDataDirectory, contexts: kubeContexts, config: config,
                to: "\(stateDirectory)/kubeconfig-\(UUID().uuidString.prefix(8))")?.path
        } catch {
            FileHandle.standardError.write(Data("warning: no KUBECONFIG for the jobs: \(error)\n".utf8))
            return nil
        }
    }
}
