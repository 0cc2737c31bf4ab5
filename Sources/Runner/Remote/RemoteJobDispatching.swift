/// Sends job instances that ask for a self-hosted runner to runners on other machines and waits for their results.
public protocol RemoteJobDispatching: Sendable {
    /// Runs `job` on a runner: queued until one whose labels include all of the job's takes it; its log lines come
    /// back through `line` as the runner sends them; the answer is the job's record as the runner made it (or why it has none). Cancelling the calling task cancels the job on the runner.
    func run(_ job: RemoteJobRequest, line: @escaping @Sendable (String) async -> Void) async -> JobRecord
}

/// One job instance for the runners, and the run it belongs to.
public struct RemoteJobRequest: Sendable {
    public var spec: RemoteJobSpec
    /// The run's id in the run store (the server's view of it).
    public var runRecordID: Int64
    /// The run's state directory: its artifacts are read from and written to `<stateDirectory>/artifacts/<run id>/`.
    public var stateDirectory: String

    public init(spec: RemoteJobSpec, runRecordID: Int64, stateDirectory: String) {
        self.spec = spec
        self.runRecordID = runRecordID
        self.stateDirectory = stateDirectory
    }
}
