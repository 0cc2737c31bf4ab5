/// Bounds how long a test waits for something to happen, so a regression fails the test instead of hanging CI.
/// Not a performance assertion: the limit is far above the expected time.
public enum Deadline {
    public struct Exceeded: Error, CustomStringConvertible {
        public var what: String
        public var limit: Duration
        public var description: String { "\(what) did not happen within \(limit)" }
    }

    public static func within<T: Sendable>(_ limit: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw Exceeded(what: what, limit: limit) }
            return value
        }
    }
}
