import Runner

/// Sends each line a run prints (masked by then) to the live log of the delivery that started it.
struct LiveLogReporter: RunReporter {
    let log: LiveLog
    let eventId: Int64

    func jobStarted(_ name: String) async {}

    func line(_ job: String, _ text: String) async {
        await log.append(eventId: eventId, job: job, text: text)
    }

    func jobFinished(_ name: String, _ result: Conclusion, duration: Double) async {}
}
