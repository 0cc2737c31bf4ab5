import Runner

/// Sends each line a run prints (masked by then) to the live log of the delivery that started it.
struct LiveLogReporter: RunReporter {
    let log: LiveLog
    let eventId: Int64

    func jobStarted(_ name: String) async {
        await log.jobStarted(eventId: eventId, job: name)
    }

    func line(_ job: String, _ text: String) async {
        await log.append(eventId: eventId, job: job, text: text)
    }

    /// Groups are kept as GitHub's raw logs write them, `##[group]title` and `##[endgroup]`: the run page folds them.
    func groupStarted(_ job: String, _ title: String) async {
        await log.append(eventId: eventId, job: job, text: "##[group]\(title)")
    }

    func groupEnded(_ job: String) async {
        await log.append(eventId: eventId, job: job, text: "##[endgroup]")
    }

    func jobFinished(_ name: String, _ result: Conclusion, duration: Double) async {
        await log.jobFinished(eventId: eventId, job: name, result: result.rawValue)
    }
}
