import Foundation

/// The result of a job or step, with GitHub's names.
public enum Conclusion: String, Sendable, Codable, Hashable {
    case success, failure, cancelled, skipped

    /// The result of several jobs or instances taken together: any failure, else any cancellation, else skipped
    /// when every one was skipped, else success.
    public static func combined(_ results: [Conclusion]) -> Conclusion {
        if results.contains(.failure) { return .failure }
        if results.contains(.cancelled) { return .cancelled }
        if !results.isEmpty, results.allSatisfy({ $0 == .skipped }) { return .skipped }
        return .success
    }
}

/// What happened to one step.
public struct StepRecord: Sendable, Codable, Hashable {
    public var id: String
    public var name: String
    public var outcome: Conclusion
    public var conclusion: Conclusion
    public var outputs: [String: String]
    public var duration: Double
}

/// What happened to one job instance (one matrix combination).
public struct JobRecord: Sendable, Codable, Hashable {
    public var jobID: String
    public var name: String
    public var result: Conclusion
    public var outputs: [String: String]
    public var steps: [StepRecord]
    public var startedAt: Date
    public var duration: Double
    public var log: [String]
    public var failureReason: String?
    /// For a job that called a reusable workflow: that workflow's jobs.
    public var calledJobs: [JobRecord]? = nil

    public init(
        jobID: String, name: String, result: Conclusion, outputs: [String: String], steps: [StepRecord], startedAt: Date,
        duration: Double, log: [String], failureReason: String?, calledJobs: [JobRecord]? = nil
    ) {
        self.jobID = jobID
        self.name = name
        self.result = result
        self.outputs = outputs
        self.steps = steps
        self.startedAt = startedAt
        self.duration = duration
        self.log = log
        self.failureReason = failureReason
        self.calledJobs = calledJobs
    }
}

/// What happened to one workflow run.
public struct RunRecord: Sendable, Codable, Hashable {
    public var workflowPath: String
    public var workflowName: String
    public var event: String
    public var ref: String
    public var sha: String
    public var result: Conclusion
    public var jobs: [JobRecord]
    public var startedAt: Date
    public var duration: Double
    public var runID: Int
    /// The id the run's recorder keeps it under; nil when it was not recorded.
    public var recordID: Int64? = nil
    /// Why recording failed, when it did (the run itself is unaffected).
    public var recordingError: String? = nil
}
