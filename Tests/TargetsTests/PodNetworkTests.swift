import Core
import Foundation
import Images
import SlipwayTesting
import Synchronization
import TargetKit
import Targets
import Testing

/// Pod addresses as pure values, and real pods: bubblewrap sandboxes on an overlay root, joined to a bridge.
struct PodNetworkTests {
    @Test func addressesAndSubnets() throws {
        #expect(IPv4Address("10.213.0.7")?.description == "10.213.0.7")
        #expect(IPv4Address("10.213.0") == nil && IPv4Address("10.213.0.256") == nil && IPv4Address("10.213.0.-1") == nil)
        let subnet = try #require(IPv4Subnet("10.213.4.0/24"))
        #expect(subnet.gateway.description == "10.213.4.1")
        #expect(subnet.broadcast.description == "10.213.4.255")
        #expect(subnet.podAddresses.count == 253)
        #expect(subnet.contains(IPv4Address("10.213.4.200")!) && !subnet.contains(IPv4Address("10.213.5.1")!))
        #expect(subnet.isPrivate && IPv4Subnet("100.64.0.0/16")?.isPrivate == true && IPv4Subnet("8.8.8.0/24")?.isPrivate == false)
        #expect(IPv4Subnet("10.213.4.1/24") == nil, "host bits set")
        #expect(IPv4Subnet("10.0.0.0/31") == nil, "too small for a gateway and a pod")
        #expect(throws: TargetError.self) { try PodBridge(name: "a-name-far-too-long", subnet: subnet) }
        #expect(throws: TargetError.self) { try PodBridge(name: "slw0", subnet: IPv4Subnet("8.8.8.0/24")!) }
    }

    @Test func thePoolHandsOutAddressesInTurnAndReusesThemLast() throws {
        var pool = AddressPool(subnet: try #require(IPv4Subnet("192.168.50.0/29")))
        let first = pool.allocate()
        let second = pool.allocate()
        #expect(first?.description == "192.168.50.2" && second?.description == "192.168.50.3")
        pool.release(try #require(first))
        let reserved = [
            pool.reserve(IPv4Address("192.168.50.6")!), pool.reserve(IPv4Address("192.168.50.6")!),
            pool.reserve(IPv4Address("192.168.50.1")!),
        ]
        #expect(reserved == [true, false, false], "a second reservation and the gateway are refused")
        let next = [pool.allocate(), pool.allocate(), pool.allocate(), pool.allocate()]
        #expect(
            next.map { $0?.description } == ["192.168.50.4", "192.168.50.5", "192.168.50.2", nil],
            "a released address comes back only after the others; 192.168.50.7 is the broadcast address")
    }

    /// Two replicas listen on the same port, each at its own address; each writes into its own upper layer; stopped,
    /// they leave no link and no mount behind.
    @Test(.timeLimit(.minutes(3))) func podsShareAPortAtTheirOwnAddresses() async throws {
        guard getuid() == 0, BusyboxRoot.executable != nil else {
            Issue.record("pods need root (bridge, veth, overlay) and busybox-static (scripts/setup installs it)")
            return
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-pods-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let layer = try BusyboxRoot.make(at: "\(root)/layer")
        try FileManager.default.createDirectory(atPath: "\(layer)/www", withIntermediateDirectories: true)

        let suffix = String(UUID().uuidString.prefix(4)).lowercased()
        let subnet = try #require(IPv4Subnet(await TestNetwork.subnet()))
        let bridge = try PodBridge(name: "slwt\(suffix)", subnet: subnet)
        try await bridge.ensure()
        do {
            try await runTwoPods(on: bridge, layer: layer, root: root, suffix: suffix)
        } catch {
            await bridge.remove()
            throw error
        }
        await bridge.remove()
        #expect(await !bridge.hasLink(bridge.name))
    }

    func runTwoPods(on bridge: PodBridge, layer: String, root: String, suffix: String) async throws {
        let subnet = bridge.subnet
        var pool = AddressPool(subnet: subnet)
        let sandbox = PodSandbox(bridge: bridge)
        final class Started: Sendable { let pids = Mutex<[String: Int32]>([:]) }
        let started = Started()
        var pods: [PodSandbox.Launch] = []
        for name in ["a", "b"] {
            let allocated = pool.allocate()
            let address = try #require(allocated)
            pods.append(
                PodSandbox.Launch(
                    layers: [layer], stateDirectory: "\(root)/pods/\(name)",
                    command: ["/bin/sh", "-c", "echo pod-$POD > /www/name && exec httpd -f -p 8080 -h /www"],
                    environment: ["POD": name], address: address, interface: "slw\(suffix)\(name)"))
        }
        try await withThrowingTaskGroup(of: Int32.self) { group in
            for pod in pods {
                group.addTask { try await sandbox.run(pod) { pid in started.pids.withLock { $0[pod.interface] = pid.wrapper } } }
            }
            // Generous: a loaded 2-core machine (another test suite running beside this one) may take its time.
            let deadline = ContinuousClock.now + .seconds(60)
            while started.pids.withLock({ $0.count }) < pods.count, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(started.pids.withLock { $0.count } == 2)
            for (pod, expected) in zip(pods, ["pod-a", "pod-b"]) {
                var body = ""
                let answered = ContinuousClock.now + .seconds(60)
                while ContinuousClock.now < answered {
                    let result = try await CapturedCommand.run(
                        "curl", ["-s", "-m", "2", "http://\(pod.address):8080/name"], timeout: .seconds(5))
                    body = result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
                    if result.succeeded, !body.isEmpty { break }
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(body == expected, "\(pod.address)")
            }
            #expect(!FileManager.default.fileExists(atPath: "\(layer)/www/name"), "the image layer stays untouched")
            #expect(FileManager.default.fileExists(atPath: "\(root)/pods/a/upper/www/name"), "writes land in the pod's own layer")
            for pid in started.pids.withLock({ Array($0.values) }) { kill(pid, SIGTERM) }
            for try await status in group { #expect(status == 128 + SIGTERM || status == 143 || status == 0, "status \(status)") }
        }
        // The kernel dismantles a dead network namespace (and the veth in it) shortly after its last process.
        for pod in pods {
            var present = true
            let dismantled = ContinuousClock.now + .seconds(60)
            while present, ContinuousClock.now < dismantled {
                present = await bridge.hasLink(pod.interface)
                if present { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(!present, "\(pod.interface) is gone with its pod")
        }
        #expect(Leftovers.mounts(under: root).isEmpty, "no mount outlives its pod")
    }
}
