import ArgumentParser
import Core
import Delivery
import GitOps
import Logging

/// What `slipway gitops sync` and `slipway gitops watch` share: the applications file, the target and the store.
struct GitOpsApplicationsOptions: ParsableArguments {
    @Option(help: "The applications file.")
    var config = "slipway.yaml"

    @Option(name: .customLong("app"), help: "Only this application (repeatable; default: all).")
    var only: [String] = []

    @OptionGroup var local: LocalOptions

    @OptionGroup var store: DeliveryStoreOption

    /// The selected applications; every problem of the file at once, as path:line:col.
    func applications() throws -> [Application] {
        let all: [Application]
        do { all = try ApplicationConfig.load(file: config).applications } catch { throw ValidationFailure("\(error)") }
        if let unknown = only.first(where: { name in !all.contains { $0.name == name } }) {
            throw ValidationFailure("\(config) declares no application \"\(unknown)\" (it has \(all.map(\.name).joined(separator: ", ")))")
        }
        let selected = only.isEmpty ? all : all.filter { only.contains($0.name) }
        if let other = selected.first(where: { $0.target != "local" }) {
            throw ValidationFailure("\(other.name): target \"\(other.target)\" is not available yet (only \"local\")")
        }
        return selected
    }

    func stack(_ applications: [Application]) async throws -> DeliveryStack {
        var logger = Logger(label: "slipway.gitops")
        logger.logLevel = .warning
        do {
            return try await DeliveryStack(
                localDataDirectory: local.dataDirectory, storePath: store.resolvedPath,
                cacheRoot: CacheDirectory.path(for: "gitops-sync"), applications: applications, logger: logger)
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}
