import ArgumentParser
import Core
import Delivery
import GitOps
import KubernetesClient
import Logging
import TargetKit

/// What `slipway gitops sync` and `slipway gitops watch` share: the applications file, the target and the store.
struct GitOpsApplicationsOptions: ParsableArguments {
    @Option(help: "The applications file.")
    var config = "slipway.yaml"

    @Option(name: .customLong("app"), help: "Only this application (repeatable; default: all).")
    var only: [String] = []

    @OptionGroup var local: LocalOptions

    @Option(help: "The kubeconfig for applications whose target is a context (default: $KUBECONFIG, else ~/.kube/config).")
    var kubeconfig: String?

    @OptionGroup var store: DeliveryStoreOption

    /// The selected applications; every problem of the file at once, as path:line:col.
    func applications() throws -> [Application] {
        let all: [Application]
        do { all = try ApplicationConfig.load(file: config).applications } catch { throw ValidationFailure("\(error)") }
        if let unknown = only.first(where: { name in !all.contains { $0.name == name } }) {
            throw ValidationFailure("\(config) declares no application \"\(unknown)\" (it has \(all.map(\.name).joined(separator: ", ")))")
        }
        let selected = only.isEmpty ? all : all.filter { only.contains($0.name) }
        // One sync engine drives one target: the applications of one run share theirs.
        if let first = selected.first, let other = selected.first(where: { $0.target != first.target }) {
            throw ValidationFailure(
                "\(first.name) targets \"\(first.target)\" and \(other.name) \"\(other.target)\": sync one target at a time (--app)")
        }
        return selected
    }

    /// The stack over the applications' target: `local`, or a context of the kubeconfig (`KUBECONFIG` or
    /// `~/.kube/config`, or `--kubeconfig`).
    func stack(_ applications: [Application]) async throws -> DeliveryStack {
        var logger = Logger(label: "slipway.gitops")
        logger.logLevel = .warning
        let name = applications.first?.target ?? "local"
        do {
            if name == "local" {
                return try await DeliveryStack(
                    localDataDirectory: local.dataDirectory, storePath: store.resolvedPath,
                    cacheRoot: CacheDirectory.path(for: "gitops-sync"), applications: applications, logger: logger)
            }
            let target = try KubernetesTarget(context: name, kubeconfig: kubeconfig.map { [$0] } ?? KubeconfigFile.defaultPaths)
            return try await DeliveryStack(
                target: target,
                meshMetrics: {
                    throw TargetError.invalid(
                        "target \"\(name)\" is a Kubernetes cluster: its canary analyses measure through Prometheus (provider prometheus)")
                }, storePath: store.resolvedPath, cacheRoot: CacheDirectory.path(for: "gitops-sync"), applications: applications,
                logger: logger)
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}
