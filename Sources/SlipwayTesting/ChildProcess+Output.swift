import Foundation

extension ChildProcess {
    /// Waits (bounded) until the output holds a match of `pattern` (a regular expression) and answers the match; the
    /// process ending first is an error with its output. The log is a file, which tells no one of a write: it is read
    /// again every 50 ms.
    public func waitForOutput(matching pattern: String, within limit: Duration = .seconds(90), _ what: String) async throws -> String {
        let process = self
        return try await Deadline.within(limit, what) {
            while true {
                let output = process.output
                if let range = output.range(of: pattern, options: .regularExpression) { return String(output[range]) }
                guard !Leftovers.hasEnded(process.pid) else {
                    throw Failure(description: "the process ended before \(what): \(output.suffix(2000))")
                }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// The run a job or promotion waits with, from its `slipway approve RUN --environment …` line.
    public func waitingRun(within limit: Duration = .seconds(90)) async throws -> String {
        let line = try await waitForOutput(matching: #"slipway approve \d+"#, within: limit, "the run to wait for its reviewers")
        return String(line.split(separator: " ").last ?? "")
    }
}
