/// Where sync records and holds go. The Store keeps them in SQLite, so a restarted engine knows which revisions
/// auto-sync already tried, what it applied (what prune may remove) and which revisions it must not deploy;
/// tests may keep them in memory.
public protocol SyncHistory: Sendable {
    func append(_ record: SyncRecord) async
    /// The newest `limit` records, oldest first.
    func records(application: String?, limit: Int) async -> [SyncRecord]
    /// Revisions auto-sync must not deploy (rolled back), until someone lifts the hold.
    func heldRevisions(of application: String) async -> Set<String>
    func hold(_ application: String, revision: String, reason: String) async
}

/// History in memory, for tests and for runs that keep nothing.
public actor InMemorySyncHistory: SyncHistory {
    private var all: [SyncRecord] = []
    private var holds: [String: Set<String>] = [:]

    public init() {}

    public func append(_ record: SyncRecord) { all.append(record) }

    public func records(application: String?, limit: Int) -> [SyncRecord] {
        Array(all.filter { application == nil || $0.application == application }.suffix(limit))
    }

    public func heldRevisions(of application: String) -> Set<String> { holds[application] ?? [] }

    public func hold(_ application: String, revision: String, reason: String) { holds[application, default: []].insert(revision) }
}
