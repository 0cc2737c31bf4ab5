/// Receives live output of a run. Text has already been masked.
public protocol RunReporter: Sendable {
    func jobStarted(_ name: String) async
    func line(_ job: String, _ text: String) async
    func jobFinished(_ name: String, _ result: Conclusion, duration: Double) async
}

/// Discards everything; useful in tests that only look at records.
public struct SilentReporter: RunReporter {
    public init() {}
    public func jobStarted(_ name: String) async {}
    public func line(_ job: String, _ text: String) async {}
    public func jobFinished(_ name: String, _ result: Conclusion, duration: Double) async {}
}

/// Shows a called workflow's jobs as `caller / job`, as GitHub does.
struct PrefixedReporter: RunReporter {
    let prefix: String
    let base: any RunReporter

    func jobStarted(_ name: String) async { await base.jobStarted("\(prefix) / \(name)") }
    func line(_ job: String, _ text: String) async { await base.line("\(prefix) / \(job)", text) }
    func jobFinished(_ name: String, _ result: Conclusion, duration: Double) async {
        await base.jobFinished("\(prefix) / \(name)", result, duration: duration)
    }
}
