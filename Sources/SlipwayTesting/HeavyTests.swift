/// One at a time for the suite's tests that load the machine most and those most sensitive to a loaded machine (the
/// buildah comparison; the demo and crash tests with live traffic and timed analysis): side by side on two cores,
/// a canary's measurements could see no traffic at all. Other tests still run beside them.
public actor HeavyTests {
    public static let shared = HeavyTests()

    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Runs `body` once no other heavy test runs.
    public static func exclusively<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await shared.acquire()
        do {
            let result = try await body()
            await shared.release()
            return result
        } catch {
            await shared.release()
            throw error
        }
    }

    func acquire() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }
}
