import Foundation
import Store

/// A workflow run as the API lists it; with `jobs` when one run is asked for.
struct RunJSON: Encodable, Sendable {
    var id: Int64
    var projectId: Int64?
    var deliveryId: Int64?
    var workflowPath: String
    var workflowName: String
    var event: String
    var ref: String
    var sha: String
    /// `in_progress`, `waiting` (a job waits for its environment's reviewers) or `completed`.
    var status: String
    var conclusion: String
    var actor: String?
    /// Why the run ended other than by finishing.
    var endedReason: String?
    var startedAt: String?
    var durationSeconds: Double
    var jobs: [JobJSON]?

    init(_ run: RunStore.Run, jobs: [RunStore.Job]? = nil) {
        id = run.id ?? 0
        projectId = run.projectId
        deliveryId = run.eventId
        workflowPath = run.workflowPath
        workflowName = run.workflowName
        event = run.event
        ref = run.ref
        sha = run.sha
        status = run.status
        conclusion = run.result
        actor = run.actor
        endedReason = run.endedReason
        startedAt = APIReply.time(run.startedAt.timeIntervalSince1970)
        durationSeconds = run.duration
        self.jobs = jobs.map { $0.map(JobJSON.init) }
    }
}

/// A job of a run, its steps and outputs as recorded (already masked).
struct JobJSON: Encodable, Sendable {
    var id: Int64
    var jobId: String
    var name: String
    var conclusion: String
    var startedAt: String?
    var durationSeconds: Double
    var failureReason: String?
    var steps: JSONText
    var outputs: JSONText

    init(_ job: RunStore.Job) {
        id = job.id ?? 0
        jobId = job.jobId
        name = job.name
        conclusion = job.result
        startedAt = APIReply.time(job.startedAt.timeIntervalSince1970)
        durationSeconds = job.duration
        failureReason = job.failureReason
        steps = JSONText(job.steps)
        outputs = JSONText(job.outputs)
    }
}

/// JSON kept as text in the store, encoded as the value it is rather than as a string.
struct JSONText: Encodable, Sendable {
    let text: String

    init(_ text: String) { self.text = text }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        let value = try JSONDecoder().decode(AnyJSON.self, from: Data(text.utf8))
        try container.encode(value)
    }
}

/// Any JSON value, for passing stored JSON through.
enum AnyJSON: Codable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([AnyJSON])
    case object([String: AnyJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([AnyJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: AnyJSON].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
