/// One request at a time per upload session, waiting in order, without blocking a thread.
actor UploadLocks {
    private var held: Set<String> = []
    private var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]

    func withLock<T: Sendable>(_ id: String, _ body: @Sendable () async throws -> T) async throws -> T {
        if held.contains(id) {
            await withCheckedContinuation { waiters[id, default: []].append($0) }
        } else {
            held.insert(id)
        }
        defer { release(id) }
        return try await body()
    }

    private func release(_ id: String) {
        if var queue = waiters[id], !queue.isEmpty {
            let next = queue.removeFirst()
            waiters[id] = queue.isEmpty ? nil : queue
            next.resume()
        } else {
            held.remove(id)
        }
    }
}
