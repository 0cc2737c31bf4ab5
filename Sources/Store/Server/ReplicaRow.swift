/// A `slipway server` process on the database: registered when it starts, beating while it lives, removed when it
/// stops or is found dead (its process gone on this host, or no beat for `ReplicaRow.silence` seconds from another).
public struct ReplicaRow: StoredRecord, Hashable {
    public static let tableName = "serverReplica"
    public static let keyColumns = ["id"]
    /// How long a replica on another host may go without a beat before it is taken for dead.
    public static let silence = 15.0

    public var id: String
    public var host: String
    public var pid: Int64
    public var processStart: Int64?
    public var startedAt: Double
    public var heartbeatAt: Double

    public init(id: String, host: String, pid: Int64, processStart: Int64?, startedAt: Double) {
        self.id = id
        self.host = host
        self.pid = pid
        self.processStart = processStart
        self.startedAt = startedAt
        heartbeatAt = startedAt
    }
}
