import Foundation
import Hummingbird
import HummingbirdTesting
import KubernetesAPI
import KubernetesClient
import Manifests
import SlipwayTesting
import TargetKit
import Targets
import Testing

/// The `Target` contract, one suite for every implementation: the in-memory fake the sync and release tests use,
/// the local target in process, the local target over its API (served on a port the kernel chose), and the
/// Kubernetes target (kubeconfig, server-side apply, list+watch) against the local target's Kubernetes API — so what
/// those tests rely on is what the real targets do. Server-side apply with field managers and force (conflicts,
/// take-over, fields a manager stops applying), whole applies or nothing, namespaces, get/list/delete, and watch.
@Suite(.serialized) struct TargetContractTests {
    enum Implementation: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case memory, localInProcess, localOverAPI, kubernetes
        var testDescription: String { rawValue }
    }

    /// Runs `body` against a fresh target of the implementation (with the namespace `contract`), then tears it down.
    func with(_ implementation: Implementation, _ body: @escaping @Sendable (any Target) async throws -> Void) async throws {
        let namespace: ManifestValue = .object([
            "apiVersion": .string("v1"), "kind": .string("Namespace"), "metadata": .object(["name": .string("contract")]),
        ])
        switch implementation {
        case .memory:
            let target = MemoryTarget()
            _ = try await target.apply([namespace], fieldManager: "setup", force: false)
            try await body(target)
        case .localInProcess, .localOverAPI, .kubernetes:
            if let reason = LocalCluster.unavailableReason {
                Issue.record(Comment(rawValue: reason))
                return
            }
            let cluster = try await LocalCluster(versions: [])
            try await cluster.use { cluster in
                await cluster.target.ready()
                _ = try await cluster.target.apply([namespace], fieldManager: "setup", force: false)
                if implementation == .localInProcess {
                    try await body(cluster.target)
                    return
                }
                let app = Application(router: LocalTargetAPI(target: cluster.target) {}.router())
                try await app.test(.live) { client in
                    let port = try #require(client.port)
                    guard implementation == .kubernetes else {
                        try await body(LocalTargetConnection(baseURL: "http://localhost:\(port)"))
                        return
                    }
                    // Through a kubeconfig, as a user's cluster would be named.
                    let file = FileManager.default.temporaryDirectory.appendingPathComponent("kubeconfig-\(UUID().uuidString.prefix(8))")
                        .path
                    defer { try? FileManager.default.removeItem(atPath: file) }
                    try Kubeconfig(server: "http://127.0.0.1:\(port)", contexts: ["contract"]).text().write(
                        toFile: file, atomically: true, encoding: .utf8)
                    let target = try KubernetesTarget(context: "contract", kubeconfig: [file])
                    do {
                        try await body(target)
                    } catch {
                        await target.connection.shutdown()
                        throw error
                    }
                    await target.connection.shutdown()
                }
            }
        }
    }

    static func configMap(_ name: String, _ data: [String: String], labels: [String: String] = [:]) -> ManifestValue {
        var metadata: [String: ManifestValue] = ["name": .string(name), "namespace": .string("contract")]
        if !labels.isEmpty { metadata["labels"] = .strings(labels) }
        return .object(["apiVersion": .string("v1"), "kind": .string("ConfigMap"), "metadata": .object(metadata), "data": .strings(data)])
    }

    static let settings = ObjectKey(.configMap, namespace: "contract", name: "settings")

    @Test(arguments: Implementation.allCases)
    func applyCreatesConfiguresAndLeavesAlone(_ implementation: Implementation) async throws {
        try await with(implementation) { target in
            let created = try await target.apply([Self.configMap("settings", ["mode": "a"])], fieldManager: "alice", force: false)
            #expect(created.map(\.outcome) == [.created] && created.first?.key == Self.settings)
            let first = try #require(try await target.get(Self.settings))
            #expect(first.value(at: ["data", "mode"])?.string == "a")
            #expect(
                first.value(at: ["metadata", "resourceVersion"])?.string != nil && first.value(at: ["metadata", "uid"])?.string != nil)
            let again = try await target.apply([Self.configMap("settings", ["mode": "a"])], fieldManager: "alice", force: false)
            #expect(again.map(\.outcome) == [.unchanged])
            let changed = try await target.apply([Self.configMap("settings", ["mode": "b"])], fieldManager: "alice", force: false)
            #expect(changed.map(\.outcome) == [.configured])
            let second = try #require(try await target.get(Self.settings))
            #expect(second.value(at: ["data", "mode"])?.string == "b")
            #expect(second.value(at: ["metadata", "resourceVersion"]) != first.value(at: ["metadata", "resourceVersion"]))
        }
    }

    @Test(arguments: Implementation.allCases)
    func fieldManagersConflictUnlessForcedAndOwnWhatTheyApply(_ implementation: Implementation) async throws {
        try await with(implementation) { target in
            _ = try await target.apply([Self.configMap("settings", ["mode": "a", "size": "1"])], fieldManager: "alice", force: false)
            // Another manager setting alice's field to another value is a conflict: nothing changes.
            await #expect(throws: (any Error).self) {
                _ = try await target.apply([Self.configMap("settings", ["mode": "b"])], fieldManager: "bob", force: false)
            }
            #expect(try await target.get(Self.settings)?.value(at: ["data", "mode"])?.string == "a")
            // The same value is no conflict: both own it.
            _ = try await target.apply([Self.configMap("settings", ["size": "1"])], fieldManager: "bob", force: false)
            // Force takes the field over; bob's configuration is now mode alone.
            _ = try await target.apply([Self.configMap("settings", ["mode": "b"])], fieldManager: "bob", force: true)
            #expect(try await target.get(Self.settings)?.value(at: ["data", "mode"])?.string == "b")
            // alice no longer owns mode: applying without it leaves bob's value.
            _ = try await target.apply([Self.configMap("settings", ["size": "1", "extra": "x"])], fieldManager: "alice", force: false)
            let live = try #require(try await target.get(Self.settings))
            #expect(live.value(at: ["data", "mode"])?.string == "b")
            #expect(live.value(at: ["data", "size"])?.string == "1")
            #expect(live.value(at: ["data", "extra"])?.string == "x")
            // A field its only manager stops applying is removed; one another manager owns stays.
            _ = try await target.apply([Self.configMap("settings", ["size": "1"])], fieldManager: "alice", force: false)
            let after = try #require(try await target.get(Self.settings))
            #expect(after.value(at: ["data", "extra"]) == nil)
            #expect(after.value(at: ["data", "mode"])?.string == "b")
        }
    }

    @Test(arguments: Implementation.allCases)
    func anApplyIsWholeOrNothing(_ implementation: Implementation) async throws {
        try await with(implementation) { target in
            _ = try await target.apply([Self.configMap("settings", ["mode": "a"])], fieldManager: "alice", force: false)
            await #expect(throws: (any Error).self) {
                _ = try await target.apply(
                    [Self.configMap("other", ["k": "v"]), Self.configMap("settings", ["mode": "b"])], fieldManager: "bob", force: false)
            }
            #expect(
                try await target.get(ObjectKey(.configMap, namespace: "contract", name: "other")) == nil,
                "nothing of a refused apply is kept")
            // A namespace that does not exist refuses its objects.
            var elsewhere = Self.configMap("settings", ["mode": "a"])
            elsewhere.set(.string("no-such-namespace"), at: ["metadata", "namespace"])
            await #expect(throws: (any Error).self) { _ = try await target.apply([elsewhere], fieldManager: "alice", force: false) }
        }
    }

    @Test(arguments: Implementation.allCases)
    func getListAndDelete(_ implementation: Implementation) async throws {
        try await with(implementation) { target in
            _ = try await target.apply(
                [Self.configMap("b", ["n": "2"]), Self.configMap("a", ["n": "1"])], fieldManager: "alice", force: false)
            let names = try await target.list(.configMap, namespace: "contract").compactMap { $0.value(at: ["metadata", "name"])?.string }
            #expect(names == ["a", "b"])
            #expect(try await target.list(.configMap, namespace: "elsewhere").isEmpty)
            let everywhere = try await target.list(.configMap, namespace: nil).compactMap { $0.value(at: ["metadata", "name"])?.string }
            #expect(Set(everywhere).isSuperset(of: ["a", "b"]))
            #expect(try await target.delete(ObjectKey(.configMap, namespace: "contract", name: "a")))
            #expect(
                try await !target.delete(ObjectKey(.configMap, namespace: "contract", name: "a")), "deleting what is gone answers false")
            #expect(try await target.get(ObjectKey(.configMap, namespace: "contract", name: "a")) == nil)
            #expect(try await target.get(ObjectKey(.configMap, namespace: "contract", name: "b")) != nil)
        }
    }

    @Test(arguments: Implementation.allCases)
    func watchSeesEveryLaterChangeInOrder(_ implementation: Implementation) async throws {
        try await with(implementation) { target in
            let events = await target.watch()
            _ = try await target.apply([Self.configMap("watched", ["n": "1"])], fieldManager: "alice", force: false)
            _ = try await target.apply([Self.configMap("watched", ["n": "2"])], fieldManager: "alice", force: false)
            _ = try await target.delete(ObjectKey(.configMap, namespace: "contract", name: "watched"))
            let seen = try await Deadline.within(.seconds(30), "three events for the ConfigMap") {
                var seen: [(ObjectEvent.Change, String?)] = []
                for await event in events where event.key.name == "watched" {
                    seen.append((event.change, event.object.value(at: ["data", "n"])?.string))
                    if seen.count == 3 { break }
                }
                return seen.map { "\($0.0.rawValue) \($0.1 ?? "-")" }
            }
            #expect(seen == ["ADDED 1", "MODIFIED 2", "DELETED 2"])
        }
    }
}
