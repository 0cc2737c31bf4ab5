import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Store
import Testing

@testable import Releases
@testable import Server

/// Releases in the API and their gates: approvers decide, with their name recorded; viewers cannot.
@Suite struct ReleaseGateTests {
    /// A release of `demo-qa` waiting at a manual gate, in the harness's delivery store.
    static func releaseAtGate(_ harness: ServerHarness) throws -> Release {
        let log = ReleaseLog(store: try DeliveryStore(path: harness.server.deliveryStorePath))
        var release = try log.create(
            Release(
                id: 0, application: "demo-qa", environment: "qa", namespace: "demo", canary: "demo", revision: "abc1234",
                images: ["registry.local/app:v2"], previousImages: ["registry.local/app:v1"], stepCount: 3, startedAt: Date()),
            entries: [TimelineEntry(at: Date(), kind: .step, summary: "release started")])
        release.state = .atGate(step: 1, reason: .manualPause)
        release.canaryWeight = 10
        release.message = "waiting at a manual gate"
        try log.save(release, entries: [])
        return release
    }

    static func token(_ harness: ServerHarness, _ name: String, role: String, scope: String, client: some TestClientProtocol) async throws
        -> String
    {
        let admin = ServerHarness.bearer(harness.adminToken)
        var userId = 0
        try await client.execute(
            uri: "/api/v1/users", method: .post, headers: admin, body: ByteBuffer(string: #"{"name":"\#(name)","role":"\#(role)"}"#)
        ) {
            userId = (ServerHarness.json($0.body) as? [String: Any])?["id"] as? Int ?? 0
        }
        var token = ""
        try await client.execute(
            uri: "/api/v1/users/\(userId)/tokens", method: .post, headers: admin, body: ByteBuffer(string: #"{"scope":"\#(scope)"}"#)
        ) { token = (ServerHarness.json($0.body) as? [String: Any])?["token"] as? String ?? "" }
        return token
    }

    @Test func viewersSeeReleasesApproversDecideAndTheirNameIsRecorded() async throws {
        let harness = try ServerHarness()
        defer { harness.remove() }
        let release = try Self.releaseAtGate(harness)
        try await harness.application().test(.router) { client in
            let viewer = ServerHarness.bearer(try await Self.token(harness, "vera", role: "viewer", scope: "read", client: client))
            let approver = ServerHarness.bearer(try await Self.token(harness, "april", role: "approver", scope: "write", client: client))
            let readOnlyApprover = ServerHarness.bearer(
                try await Self.token(harness, "reader", role: "approver", scope: "read", client: client))
            try await client.execute(uri: "/api/v1/releases", method: .get, headers: viewer) { response in
                let list = ServerHarness.json(response.body) as? [[String: Any]] ?? []
                #expect(list.count == 1 && list.first?["waiting_at_gate"] as? Bool == true && list.first?["phase"] as? String == "Paused")
                #expect(
                    list.first?["step"] as? Int == 2 && list.first?["step_count"] as? Int == 3 && list.first?["canary_weight"] as? Int == 10
                )
            }
            try await client.execute(uri: "/api/v1/releases/\(release.id)", method: .get, headers: viewer) { response in
                let timeline = (ServerHarness.json(response.body) as? [String: Any])?["timeline"] as? [[String: Any]] ?? []
                #expect(timeline.first?["summary"] as? String == "release started")
            }
            try await client.execute(uri: "/api/v1/releases/99", method: .get, headers: viewer) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/v1/applications/demo-qa/promote", method: .post) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/api/v1/applications/demo-qa/promote", method: .post, headers: viewer) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/applications/demo-qa/abort", method: .post, headers: readOnlyApprover) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(
                uri: "/api/v1/applications/demo-qa/promote", method: .post, headers: approver,
                body: ByteBuffer(string: #"{"reason":"dashboards green"}"#)
            ) { response in
                #expect(response.status == .ok)
                #expect((ServerHarness.json(response.body) as? [String: Any])?["id"] as? Int == Int(release.id))
            }
            try await client.execute(uri: "/api/v1/applications/other/abort", method: .post, headers: approver) {
                #expect($0.status == .notFound)
                #expect(String(buffer: $0.body).contains("has no release in progress"))
            }
        }
        let decisions = try DeliveryStore(path: harness.server.deliveryStorePath).pendingDecisions(releaseId: release.id)
        #expect(decisions.map(\.actor) == ["april"] && decisions.first?.reason == "dashboards green")
        #expect(decisions.first?.action == "promote")
    }
}
