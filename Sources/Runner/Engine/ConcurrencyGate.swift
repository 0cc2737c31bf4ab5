/// GitHub's concurrency groups: per (case-insensitive) group at most one running and one pending
/// holder. A new arrival replaces (cancels) the pending one; with `cancel-in-progress` it also
/// cancels the running one. With `queue: max` up to 100 wait in order instead.
public actor ConcurrencyGate {
    public enum Admission: Sendable, Equatable {
        case acquired
        case cancelled
    }

    struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<Admission, Never>
    }

    struct Group {
        var running: Int?
        var runningCancel: (@Sendable () -> Void)?
        var pending: [Waiter] = []
    }

    private var groups: [String: Group] = [:]
    private var nextID = 0

    public init() {}

    /// Waits until the caller may run in `group`. `onCancelRunning` is how a later arrival with
    /// cancel-in-progress stops this holder once it runs. Returns a token to release, or nil when cancelled.
    public func acquire(group name: String, cancelInProgress: Bool, queueMax: Bool, onCancelRunning: @escaping @Sendable () -> Void) async
        -> Int?
    {
        let key = name.uppercased()
        nextID += 1
        let id = nextID
        var group = groups[key] ?? Group()
        if cancelInProgress {
            group.runningCancel?()
            for waiter in group.pending { waiter.continuation.resume(returning: .cancelled) }
            group.pending.removeAll()
        }
        if group.running == nil {
            group.running = id
            group.runningCancel = onCancelRunning
            groups[key] = group
            return id
        }
        if !queueMax {
            for waiter in group.pending { waiter.continuation.resume(returning: .cancelled) }
            group.pending.removeAll()
        } else if group.pending.count >= 100 {
            groups[key] = group
            return nil
        }
        groups[key] = group
        let admission = await withCheckedContinuation { (continuation: CheckedContinuation<Admission, Never>) in
            groups[key, default: Group()].pending.append(Waiter(id: id, continuation: continuation))
        }
        guard admission == .acquired else { return nil }
        groups[key]?.runningCancel = onCancelRunning
        return id
    }

    public func release(group name: String, token: Int) {
        let key = name.uppercased()
        guard var group = groups[key], group.running == token else { return }
        if group.pending.isEmpty {
            groups[key] = nil
            return
        }
        let next = group.pending.removeFirst()
        group.running = next.id
        group.runningCancel = nil
        groups[key] = group
        next.continuation.resume(returning: .acquired)
    }
}
