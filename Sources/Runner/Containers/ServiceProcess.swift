/// A `services:` entry running as a sandboxed process beside the job, until the job ends.
struct ServiceProcess: Sendable {
    var task: Task<ProcessOutcome, any Error>
}
