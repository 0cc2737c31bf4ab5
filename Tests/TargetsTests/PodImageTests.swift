import CLinuxSupport
import Core
import Foundation
import Images
import OCI
import SlipwayTesting
import Targets
import Testing

/// A pod started from an image: its layers unpacked once per digest and stacked with overlayfs, whiteouts included.
struct PodImageTests {
    @Test(.timeLimit(.minutes(3))) func aPodRunsTheImagesLayersWithTheirWhiteouts() async throws {
        guard getuid() == 0, BusyboxRoot.executable != nil else {
            Issue.record("pods need root (bridge, veth, overlay) and busybox-static (scripts/setup installs it)")
            return
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-podimage-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let base = try BusyboxRoot.make(at: "\(root)/base")
        let store = try ImageStore(root: "\(root)/store")
        _ = try ImageImporter(store: store).importImage(from: base, tag: try ImageReference(parsing: "local/busybox:1"), sourceDateEpoch: 0)
        try FileManager.default.createDirectory(atPath: "\(root)/context", withIntermediateDirectories: true)
        try """
        FROM local/busybox:1
        RUN mkdir -p /www && echo v1 > /www/version && rm /bin/echo
        CMD ["/bin/sh", "-c", "[ -e /bin/echo ] && exit 3; exec httpd -f -p 8080 -h /www"]

        """.write(toFile: "\(root)/context/Dockerfile", atomically: true, encoding: .utf8)
        let tag = try ImageReference(parsing: "local/web:1")
        _ = try await ImageBuilder(store: store, log: { _ in }).build(
            BuildOptions(context: "\(root)/context", dockerfile: "\(root)/context/Dockerfile", tags: [tag]))

        let cache = try LayerCache(store: store, root: "\(root)/layers")
        let image = try #require(try store.image(tag))
        let (manifest, config) = (image.manifest, image.config)
        let layers = try cache.layers(of: manifest)
        #expect(layers.count == 2)
        var info = stat()
        #expect(
            lstat("\(layers[1])/bin/echo", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR && info.st_rdev == 0,
            "the whiteout is overlayfs's marker")
        #expect(try cache.layers(of: manifest) == layers, "a layer is unpacked once")

        let suffix = String(UUID().uuidString.prefix(4)).lowercased()
        let subnet = try #require(IPv4Subnet(await TestNetwork.subnet()))
        let bridge = try PodBridge(name: "slwi\(suffix)", subnet: subnet)
        try await bridge.ensure()
        let launch = PodSandbox.Launch(
            layers: layers, stateDirectory: "\(root)/pod", command: config.config.cmd ?? [],
            address: IPv4Address(subnet.podAddresses.lowerBound), interface: "slwi\(suffix)p")
        let result: String
        do {
            result = try await withThrowingTaskGroup(of: String.self) { group in
                let pid = PIDBox()
                group.addTask {
                    _ = try await PodSandbox(bridge: bridge).run(launch) { pid.set($0.wrapper) }
                    return ""
                }
                group.addTask {
                    var body = ""
                    for _ in 0..<200 where body.isEmpty {
                        let answer = try await CapturedCommand.run(
                            "curl", ["-s", "-m", "1", "http://\(launch.address):8080/version"], timeout: .seconds(3))
                        if answer.succeeded {
                            body = answer.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
                        } else {
                            try await Task.sleep(for: .milliseconds(20))
                        }
                    }
                    if let running = pid.value { kill(running, SIGTERM) }
                    return body
                }
                var answer = ""
                for try await value in group where !value.isEmpty { answer = value }
                return answer
            }
        } catch {
            await bridge.remove()
            throw error
        }
        await bridge.remove()
        #expect(result == "v1", "the pod serves the image's file, and /bin/echo is gone as the image says")
        let log = (try? String(contentsOfFile: "\(root)/pod/log", encoding: .utf8)) ?? ""
        #expect(!log.contains("exit 3"), "\(log)")
    }
}

final class PIDBox: @unchecked Sendable {
    private let lock = NSLock()
    private var pid: Int32?
    func set(_ value: Int32) {
        lock.lock()
        pid = value
        lock.unlock()
    }
    var value: Int32? {
        lock.lock()
        defer { lock.unlock() }
        return pid
    }
}
