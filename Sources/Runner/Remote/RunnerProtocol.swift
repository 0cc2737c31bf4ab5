import Foundation

/// The messages between `slipway runner` and the server (`/api/v1/runner/…`), JSON with Swift's own key names (no
/// snake_case conversion: environment names and context keys travel as they are).
public enum RunnerProtocol {
    /// Where the runner API lives under the server's URL.
    public static let basePath = "/api/v1/runner"

    /// `POST jobs/request`: the runner's labels and how long the server may hold the request open.
    public struct JobRequest: Codable, Sendable {
        public var labels: [String]
        public var waitSeconds: Double
        public init(labels: [String], waitSeconds: Double) {
            self.labels = labels
            self.waitSeconds = waitSeconds
        }
    }

    /// A job given to the runner, the name the server knows the runner by, and how often it must beat.
    public struct AssignedJob: Codable, Sendable {
        public var id: Int64
        public var spec: RemoteJobSpec
        public var runnerName: String
        public var heartbeatSeconds: Double
        public init(id: Int64, spec: RemoteJobSpec, runnerName: String, heartbeatSeconds: Double) {
            self.id = id
            self.spec = spec
            self.runnerName = runnerName
            self.heartbeatSeconds = heartbeatSeconds
        }
    }

    /// `POST jobs/{id}/log`: lines, already masked.
    public struct LogLines: Codable, Sendable {
        public var lines: [String]
        public init(lines: [String]) { self.lines = lines }
    }

    /// `POST jobs/{id}/result`: the job's record.
    public struct Result: Codable, Sendable {
        public var record: JobRecord
        public init(record: JobRecord) { self.record = record }
    }

    /// The answer to a beat, a log batch or a result: the job's state on the server (`running`; `cancelled` or `lost`
    /// tell the runner to stop; `finished` once its result is taken).
    public struct JobState: Codable, Sendable {
        public var state: String
        public init(state: String) { self.state = state }
    }

    public static let encoder = JSONEncoder()
    public static let decoder = JSONDecoder()
}
