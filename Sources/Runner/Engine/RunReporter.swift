/// Receives live output of a run. Text has already been masked.
public protocol RunReporter: Sendable {
    func jobStarted(_ name: String) async
    func line(_ job: String, _ text: String) async
    func jobFinished(_ name: String, _ result: Conclusion, duration: Double) async
    /// A step opened a log group (`::group::title`, the title masked); by default a `▼ title` line.
    func groupStarted(_ job: String, _ title: String) async
    /// The group ended (`::endgroup::`); by default nothing is shown.
    func groupEnded(_ job: String) async
}

extension RunReporter {
    public func groupStarted(_ job: String, _ title: String) async { await line(job, "▼ \(title)") }
    public func groupEnded(_ job: String) async {}
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
    func groupStarted(_ job: String, _ title: String) async { await base.groupStarted("\(prefix) / \(job)", title) }
    func groupEnded(_ job: String) async { await base.groupEnded("\(prefix) / \(job)") }
}
