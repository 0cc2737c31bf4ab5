import Foundation
import Testing

@testable import Targets

/// bubblewrap's own complaints while it sets a pod up are not the container's output: a start whose only output is
/// `bwrap: …` lines is a setup failure, and those lines leave the log; anything the container wrote stays.
struct PodSandboxSetupFailureTests {
    func log(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-podlog-\(UUID().uuidString)").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func onlyBubblewrapLinesAreASetupFailureAndLeaveTheLog() throws {
        let earlier = "hello from the first start\n"
        let path = try log(earlier + "bwrap: loopback: Failed RTM_NEWADDR: No child processes\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let failure = try #require(PodSandbox.setupFailure(log: path, from: earlier.utf8.count))
        #expect(failure.message == "bwrap: loopback: Failed RTM_NEWADDR: No child processes")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == earlier, "the earlier start's lines are kept")
    }

    @Test(arguments: [
        "bwrap: loopback: Failed RTM_NEWADDR: No child processes\nserver crashed\n", "panic: nil map\n", "",
    ])
    func theContainersOwnOutputIsNotASetupFailure(_ output: String) throws {
        let earlier = "first\n"
        let path = try log(earlier + output)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(PodSandbox.setupFailure(log: path, from: earlier.utf8.count) == nil)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == earlier + output, "the log is left alone")
    }
}
