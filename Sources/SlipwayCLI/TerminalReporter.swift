import Foundation
import Runner

/// Prints live output prefixed with the job name, like `[build (linux, 1.23)] | line`.
actor TerminalReporter: RunReporter {
    let quiet: Bool
    init(quiet: Bool) { self.quiet = quiet }

    func write(_ text: String) {
        guard !quiet else { return }
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    func jobStarted(_ name: String) { write("[\(name)] 🚀 Start") }
    func line(_ job: String, _ text: String) { write("[\(job)] \(text)") }
    func jobFinished(_ name: String, _ result: Conclusion, duration: Double) {
        let mark = result == .success ? "✅" : (result == .skipped ? "⏭️" : "❌")
        write("[\(name)] \(mark) \(result.rawValue) in \(String(format: "%.2f", duration))s")
    }
}
