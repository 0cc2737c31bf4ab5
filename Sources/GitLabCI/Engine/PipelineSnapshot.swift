/// A pipeline as it was left: enough to go on later (play a manual job, retry failed jobs, cancel what waits) from
/// another process. The plan is made again from the same file and context, so it is not kept.
public struct PipelineSnapshot: Sendable, Codable, Hashable {
    /// The pipeline's context without the project's variables (they carry secrets): set them again before going on.
    public var context: PipelineContext
    public var configPath: String
    public var statuses: [String: GitLabJobStatus]
    public var outcomes: [String: JobOutcome]
    public var attempts: [String: Int]
    public var logs: [String: [String]]
}

/// What to do with a pipeline that was left waiting or ended.
public enum PipelineAction: Sendable, Hashable {
    /// Play manual jobs (names of jobs or of instances).
    case play([String])
    /// Retry failed and canceled jobs: these, or all of them (and what was skipped or canceled after them).
    case retry([String]?)
    /// Cancel every job that has not finished.
    case cancel
}

/// Why an action cannot be taken.
public struct PipelineActionError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
