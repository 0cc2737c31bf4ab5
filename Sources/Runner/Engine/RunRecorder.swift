import Foundation

/// Where runs are kept. The Runner knows nothing of storage: the host gives its options a recorder (a store-backed
/// one in `Delivery`, an in-memory one in tests); each run is announced as it starts and recorded as it finishes,
/// before the runs it triggers start.
public protocol RunRecorder: Sendable {
    /// A run is starting; answers the id it is known by from now on (`slipway runs`, `slipway approve ID`), or nil
    /// when this recorder keeps finished runs only.
    func started(_ run: RunStart) async throws -> Int64?
    /// Keeps a finished run (`run.recordID` is the id `started` gave, if any); answers its id (`slipway logs ID`).
    func record(_ run: RunRecord) async throws -> Int64
}

extension RunRecorder {
    public func started(_ run: RunStart) async throws -> Int64? { nil }
}

/// A run as it starts.
public struct RunStart: Sendable, Hashable {
    public var workflowPath: String
    public var workflowName: String
    public var event: String
    public var ref: String
    public var sha: String
    /// Who triggered it (`github.actor`).
    public var actor: String
    public var startedAt: Date
    public var runID: Int
}
