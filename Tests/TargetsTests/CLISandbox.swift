import Core
import Foundation
import Images

/// A directory of its own for tests that drive the `slipway` binary: the image store and data directory inside it,
/// a busybox root with a web page to import as an image, and a runner for commands.
struct CLISandbox: Sendable {
    let root: String
    let environment: [String: String]

    init(_ name: String) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-\(name)-\(UUID().uuidString.prefix(8))").path
        environment = ["SLIPWAY_IMAGE_STORE": "\(root)/images", "SLIPWAY_DATA_DIR": "\(root)/data"]
    }

    func slipway(_ arguments: [String], timeout: Duration = .seconds(120)) async throws -> CapturedCommand.Result {
        try await CapturedCommand.run(LocalCommandTests.slipway, arguments, environment: environment, timeout: timeout)
    }

    /// A busybox root serving "hello" from `/www`, for `slipway image import`.
    func webRoot() throws -> String {
        let base = try BusyboxRoot.make(at: "\(root)/base")
        try FileManager.default.createDirectory(atPath: "\(base)/www", withIntermediateDirectories: true)
        try "hello\n".write(toFile: "\(base)/www/index.html", atomically: true, encoding: .utf8)
        return base
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}
