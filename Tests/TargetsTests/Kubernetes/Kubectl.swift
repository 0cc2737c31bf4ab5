import Core
import Foundation
import KubernetesAPI
import SlipwayTesting
import Testing

/// kubectl 1.32 (the pinned binary of the Google Cloud SDK package) against a Kubernetes API on this machine, with
/// its own kubeconfig and discovery cache so concurrent test runs never share either.
struct Kubectl {
    static let executable = "/usr/lib/google-cloud-sdk/bin/kubectl.1.32"
    static var unavailableReason: String? {
        FileManager.default.isExecutableFile(atPath: executable) ? nil : "\(executable) is missing (the machine's kubectl package)"
    }

    let directory: String
    let kubeconfig: String

    init(port: Int, contexts: [String] = ["slipway-local"]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubectl-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: "\(directory)/cache", withIntermediateDirectories: true)
        kubeconfig = "\(directory)/config"
        try Kubeconfig(server: "http://127.0.0.1:\(port)", contexts: contexts).text().write(
            toFile: kubeconfig, atomically: true, encoding: .utf8)
    }

    struct Result: CustomStringConvertible {
        var exitCode: Int32?
        var output: String
        var errors: String
        var description: String { "exit \(exitCode.map(String.init) ?? "?")\nstdout:\n\(output)\nstderr:\n\(errors)" }
    }

    var arguments: [String] { ["--kubeconfig", kubeconfig, "--cache-dir", "\(directory)/cache"] }

    /// Runs one command to its end (at most a minute).
    func run(_ arguments: String...) async throws -> Result { try await run(arguments) }

    func run(_ arguments: [String]) async throws -> Result {
        let result = try await CapturedCommand.run(Self.executable, self.arguments + arguments, timeout: .seconds(90))
        return Result(exitCode: Self.exitCode(result.status), output: result.standardOutput, errors: result.standardError)
    }

    /// Runs a command that must succeed and returns its output.
    @discardableResult
    func succeed(_ arguments: String..., sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws -> String {
        let result = try await run(arguments)
        #expect(result.exitCode == 0, "kubectl \(arguments.joined(separator: " ")): \(result)", sourceLocation: sourceLocation)
        return result.output
    }

    /// Starts a long-running command (`get -w`, `logs -f`) whose output accumulates in a file.
    func start(_ arguments: String...) async throws -> ChildProcess {
        try await ChildProcess.start(Self.executable, self.arguments + arguments, log: "\(directory)/\(UUID().uuidString.prefix(6)).log")
    }

    /// Waits (at most `limit`) until a running command's output satisfies `condition`.
    static func waitForOutput(
        _ process: ChildProcess, _ what: String, limit: Duration = .seconds(30), until condition: @escaping @Sendable (String) -> Bool
    )
        async throws
    {
        try await Deadline.within(limit, what) {
            // The child writes to a plain file; its output is looked at again until it says what is awaited.
            while !condition(process.output) { try await Task.sleep(for: .milliseconds(50)) }
        }
    }

    static func exitCode(_ status: String) -> Int32? {
        guard let open = status.firstIndex(of: "("), let close = status.lastIndex(of: ")"), status.hasPrefix("exited") else { return nil }
        return Int32(status[status.index(after: open)..<close])
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}
