/// Where sync records go. The Store keeps them in SQLite; tests may keep them in memory.
public protocol SyncHistory: Sendable {
    func append(_ record: SyncRecord) async
    func records(application: String?, limit: Int) async -> [SyncRecord]
}

/// History in memory, for tests and for runs that keep nothing.
public actor InMemorySyncHistory: SyncHistory {
    private var all: [SyncRecord] = []

    public init() {}

    public func append(_ record: SyncRecord) { all.append(record) }

    public func records(application: String?, limit: Int) -> [SyncRecord] {
        Array(all.filter { application == nil || $0.application == application }.suffix(limit))
    }
}
