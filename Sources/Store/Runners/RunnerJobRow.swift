import Foundation

/// A job instance sent to the runners: what it needs (sealed: it carries the run's secrets), whom it waits for, who
/// took it and what came back.
public struct RunnerJobRow: Codable, Sendable, Hashable, StoredRecord {
    public static let tableName = "runnerJob"
    public var id: Int64?
    /// The run it belongs to (the run store's id).
    public var runId: Int64
    public var name: String
    /// The `runs-on` labels, lower case, comma-separated, sorted.
    public var labels: String
    /// The job's specification, sealed with the server's key.
    public var spec: [UInt8]
    public var state: RunnerJobState
    public var runnerId: Int64?
    public var runnerName: String?
    public var createdAt: Double
    public var startedAt: Double?
    public var heartbeatAt: Double?
    public var finishedAt: Double?
    public var reason: String?
    /// The runner's result (a JSON job record, masked on the runner and again on the server).
    public var result: String?
    /// The run's artifacts when the job was queued (a tar archive), for jobs that download artifacts.
    public var inputs: [UInt8]?
    /// The artifacts the job uploaded (a tar archive).
    public var outputs: [UInt8]?

    public init(runId: Int64, name: String, labels: [String], spec: [UInt8], createdAt: Double) {
        self.runId = runId
        self.name = name
        self.labels = RunnerJobRow.labelText(labels)
        self.spec = spec
        self.state = .queued
        self.createdAt = createdAt
    }

    /// Labels as stored: lower case, without repeats, sorted, comma-separated.
    public static func labelText(_ labels: [String]) -> String {
        Set(labels.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }).sorted().joined(separator: ",")
    }

    public var labelSet: Set<String> { Set(labels.split(separator: ",").map(String.init)) }

    /// Ends the job in a final `state`: what it carried in for the runner (the sealed specification, the run's
    /// artifacts) is dropped at once — a runner that took it has it, and nobody else may — while what it sent back
    /// waits for its server.
    mutating func end(_ state: RunnerJobState, reason: String?, now: Double) {
        self.state = state
        self.reason = reason ?? self.reason
        finishedAt = now
        spec = []
        inputs = nil
    }
}
