/// One holder at a time per key, the others waiting in order, without blocking a thread: one request per upload
/// session, one git fetch per project mirror.
public actor KeyedLock<Key: Hashable & Sendable> {
    private var held: Set<Key> = []
    private var waiters: [Key: [CheckedContinuation<Void, Never>]] = [:]

    public init() {}

    public func withLock<T: Sendable>(_ key: Key, _ body: @Sendable () async throws -> T) async throws -> T {
        if held.contains(key) {
            await withCheckedContinuation { waiters[key, default: []].append($0) }
        } else {
            held.insert(key)
        }
        defer { release(key) }
        return try await body()
    }

    private func release(_ key: Key) {
        if var queue = waiters[key], !queue.isEmpty {
            let next = queue.removeFirst()
            waiters[key] = queue.isEmpty ? nil : queue
            next.resume()
        } else {
            held.remove(key)
        }
    }
}
