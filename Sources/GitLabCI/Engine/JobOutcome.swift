import Foundation

/// What one attempt of a job came to.
public struct JobOutcome: Sendable, Codable, Hashable {
    public var status: GitLabJobStatus
    public var exitCode: Int32?
    /// GitLab's failure reason: `script_failure`, `job_execution_timeout`, `missing_dependency_failure`, …
    public var failureReason: String?
    public var startedAt: Date
    public var duration: Double
    public var log: [String]
    /// Variables a `reports: dotenv` artifact passes to the jobs that need this one.
    public var dotenv: [GitLabVariable]
    /// Where this job's artifacts were kept, if it kept any.
    public var artifactsDirectory: String?
}

/// A job of a finished (or paused) pipeline, as `--json` and the run store show it.
public struct PipelineJobResult: Sendable, Codable, Hashable {
    public var id: Int
    public var name: String
    public var stage: String
    public var status: GitLabJobStatus
    public var allowFailure: Bool
    public var when: GitLabWhen
    public var exitCode: Int32?
    public var failureReason: String?
    public var attempts: Int
    public var startedAt: Date?
    public var duration: Double
    public var log: [String]

    enum CodingKeys: String, CodingKey {
        case id, name, stage, status, when, attempts, duration, log
        case allowFailure = "allow_failure"
        case exitCode = "exit_code"
        case failureReason = "failure_reason"
        case startedAt = "started_at"
    }
}

/// A pipeline as it ended (or paused with manual jobs waiting).
public struct PipelineResult: Sendable, Codable, Hashable {
    public var id: Int64
    public var status: GitLabJobStatus
    public var source: String
    public var ref: String
    public var sha: String
    public var jobs: [PipelineJobResult]
    public var duration: Double
    /// Why GitLab would create no pipeline; the status is then `skipped` and there are no jobs.
    public var notCreatedReason: String?
    public var recordID: Int64?
}
