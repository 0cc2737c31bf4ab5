import Core
import Foundation
import Images
import SlipwayTesting

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

    /// `slipway local up` on a bridge of its own (`PREFIX` + 6 hex digits), a free subnet and ports the kernel chooses.
    func localUp(bridgePrefix: String) async throws -> CapturedCommand.Result {
        let suffix = String(UUID().uuidString.filter(\.isHexDigit).prefix(6)).lowercased()
        return try await slipway([
            "local", "up", "--subnet", await TestNetwork.subnet(), "--bridge", "\(bridgePrefix)\(suffix)", "--port", "0", "--admin-port",
            "0", "--api-port", "0",
        ])
    }

    /// A Service `web` in front of a one-replica Deployment `web` running `image` (busybox httpd on 8080).
    static func webManifests(image: String) -> String {
        """
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          selector: {app: web}
          ports: [{port: 80, targetPort: 8080}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 1
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: web, image: \(image)}]

        """
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}
