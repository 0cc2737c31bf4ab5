import Core
import Foundation
import TargetKit

/// The runtime's bridge and the veth pairs that join pods to it, like a CNI bridge plugin: the bridge holds the
/// subnet's first address, each pod gets `eth0` with its own address and a default route through the bridge. Pods
/// are joined by a PID inside their network namespace, so no named namespace is ever left behind: the pod's end of
/// the pair dies with the namespace and takes the host end with it.
public struct PodBridge: Sendable {
    public let name: String
    public let subnet: IPv4Subnet

    public init(name: String = "slipway0", subnet: IPv4Subnet) throws(TargetError) {
        guard (1...15).contains(name.utf8.count), name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw .invalid("bridge name '\(name)': expected 1–15 letters, digits, '-' or '_'")
        }
        guard subnet.isPrivate else {
            throw .invalid("pod subnet \(subnet) is not a private range (10/8, 172.16/12, 192.168/16, 100.64/10)")
        }
        self.name = name
        self.subnet = subnet
    }

    /// Creates the bridge with the gateway address when it is not there yet.
    public func ensure() async throws {
        if try await ip(["link", "show", "dev", name], allowFailure: true) { return }
        try await ip(["link", "add", name, "type", "bridge"])
        try await ip(["addr", "add", "\(subnet.gateway)/\(subnet.prefixLength)", "dev", name])
        try await ip(["link", "set", name, "up"])
    }

    /// Deletes the bridge (its pods' links go with their namespaces).
    public func remove() async {
        _ = try? await ip(["link", "del", name], allowFailure: true)
    }

    /// Joins the network namespace of process `pid` to the bridge as `eth0` with `address`.
    public func attach(pid: Int32, address: IPv4Address, interface: String) async throws {
        guard subnet.podAddresses.contains(address.value) else { throw TargetError.network("\(address) is not a pod address of \(subnet)") }
        let peer = interface + "p"
        guard peer.utf8.count <= 15 else { throw TargetError.network("interface name '\(interface)' is too long") }
        do {
            // Inside the clean-up's reach: a cancelled `ip link add` may still have created the pair.
            try await ip(["link", "add", interface, "type", "veth", "peer", "name", peer])
            try await ip(["link", "set", interface, "master", name])
            try await ip(["link", "set", interface, "up"])
            try await ip(["link", "set", peer, "netns", String(pid)])
        } catch {
            // Also when the caller was cancelled: the clean-up must run to the end.
            let name = interface
            await Task.detached { _ = try? await self.ip(["link", "del", name], allowFailure: true) }.value
            throw error
        }
        // An address used before may still sit in the host's neighbour cache with the old pod's MAC.
        _ = try? await ip(["neigh", "flush", "to", address.description, "dev", name], allowFailure: true)
        let inside =
            "ip link set \(peer) name eth0 && ip addr add \(address)/\(subnet.prefixLength) dev eth0 && ip link set eth0 up"
            + " && ip link set lo up && ip route add default via \(subnet.gateway)"
        let result = try await CapturedCommand.run("nsenter", ["--net=/proc/\(pid)/ns/net", "sh", "-c", inside], timeout: .seconds(10))
        guard result.succeeded else {
            throw TargetError.network(
                "configuring eth0 in pod process \(pid): \(result.standardError.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }

    /// Deletes every link still enslaved to the bridge (pods that ended without their namespace going away).
    public func removeAttachedLinks() async {
        guard let result = try? await CapturedCommand.run("ip", ["-o", "link", "show", "master", name], timeout: .seconds(10)),
            result.succeeded
        else { return }
        for line in result.standardOutput.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2)
            guard fields.count >= 2 else { continue }
            let link = fields[1].trimmingCharacters(in: .whitespaces).split(separator: "@").first.map(String.init) ?? ""
            if !link.isEmpty { _ = try? await ip(["link", "del", link], allowFailure: true) }
        }
    }

    /// Whether a link exists in the host's namespace.
    public func hasLink(_ interface: String) async -> Bool {
        (try? await ip(["link", "show", "dev", interface], allowFailure: true)) ?? false
    }

    @discardableResult
    func ip(_ arguments: [String], allowFailure: Bool = false) async throws -> Bool {
        let result = try await CapturedCommand.run("ip", arguments, timeout: .seconds(10))
        if !result.succeeded, !allowFailure {
            throw TargetError.network(
                "ip \(arguments.joined(separator: " ")): \(result.standardError.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return result.succeeded
    }
}
