import BuiltinActions
import Foundation
import Identity
import Runner
import Store

/// Runs what a request prepared, as every host does: Slipway's built-in actions, each finished run recorded in the
/// repository's run store (not for a dry run), then the `workflow_run` chain the runs start.
public enum WorkflowRuns {
    /// Runs the matching workflows and their chain; answers every run's record (with its `recordID`). Runs are recorded
    /// by `recorder`, by default in the repository's own run store.
    public static func run(
        _ prepared: PreparedRun, reporter: any RunReporter, gate: ConcurrencyGate = ConcurrencyGate(), recorder: (any RunRecorder)? = nil
    ) async -> [RunRecord] {
        var options = prepared.options
        options.actions = StandardActions.registry
        if options.containers == nil { options.containers = StoreContainerProvider(mirrors: options.registryMirrors) }
        if !options.dryRun {
            let chosen = recorder ?? RunStoreRecorder(path: RunStore.path(forRepository: options.repositoryRoot))
            options.recorder = chosen
            if options.deploymentReviews == nil, let storeRecorder = chosen as? RunStoreRecorder {
                options.deploymentReviews = storeRecorder.deploymentReviews
            }
        }
        // Jobs with `id-token: write` get tokens from an issuer on 127.0.0.1 for the runs' lifetime (started at the
        // first such job) unless the host has its own (the server's).
        var loopback: LoopbackIDTokenIssuer?
        if options.idTokens == nil, !options.dryRun {
            let issuer = LoopbackIDTokenIssuer()
            loopback = issuer
            options.idTokens = issuer
        }
        let dispatch = EventDispatch(
            workflows: prepared.workflows, options: options, reporter: reporter, gate: gate,
            firstRunID: Int(Date().timeIntervalSince1970 * 1000) % 1_000_000_000)
        let records = await dispatch.run()
        await loopback?.shutdown()
        return records
    }

    /// Prepares and runs a request in one go.
    public static func run(_ request: RunRequest, reporter: any RunReporter) async throws(RunRequestError) -> [RunRecord] {
        let prepared = try await request.prepare()
        return await run(prepared, reporter: reporter)
    }
}
