import Foundation

/// Serialises writers to one repository and branch: an async queue inside this process (so waiting never blocks a
/// thread of the cooperative pool) and an `flock` on a lock file across processes.
actor WriterLock {
    static let shared = WriterLock()

    private var held: Set<String> = []
    private var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]

    /// Runs `body` while holding the lock at `path`.
    func withLock<T: Sendable>(_ path: String, _ body: @Sendable () async throws -> T) async throws -> T {
        await acquire(path)
        // Never through a symlink someone planted in the shared directory; readable and lockable by every user.
        let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0o666)
        guard descriptor >= 0 else {
            release(path)
            throw WriteBackError.lock(path, String(cString: strerror(errno)))
        }
        _ = fchmod(descriptor, 0o666)
        defer {
            flock(descriptor, LOCK_UN)
            close(descriptor)
            release(path)
        }
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await body()
    }

    private func acquire(_ key: String) async {
        if held.contains(key) {
            await withCheckedContinuation { waiters[key, default: []].append($0) }
        } else {
            held.insert(key)
        }
    }

    private func release(_ key: String) {
        if var queue = waiters[key], !queue.isEmpty {
            let next = queue.removeFirst()
            waiters[key] = queue
            next.resume()
        } else {
            held.remove(key)
            waiters[key] = nil
        }
    }
}
