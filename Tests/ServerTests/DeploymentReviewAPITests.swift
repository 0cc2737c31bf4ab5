import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Store
import Testing

@testable import Server

/// GitHub's review of pending deployments, in the server's API: viewers list what waits, approvers review as
/// themselves, the deployment's rules (reviewers by name or role, self-review, once each) decide, and a run of
/// `slipway run` in the same file is not the API's.
@Suite struct DeploymentReviewAPITests {
    /// A server run (of a project) whose `prod` job waits for two approvals; answers the run's id.
    static func waitingRun(_ harness: ServerHarness) throws -> Int64 {
        let project = try harness.store.addProject(
            ProjectRow(name: "app", repository: "/nowhere", defaultBranch: "main", webhookSecret: nil, createdAt: 0))
        var run = RunStore.Run(
            workflowPath: ".github/workflows/cd.yml", workflowName: "cd", event: "push", ref: "refs/tags/v1", sha: "", result: "",
            startedAt: Date(), duration: 0, projectId: project.id)
        run.actor = "april"
        let id = try harness.store.runs.begin(run)
        _ = try harness.store.runs.open(
            Deployment(
                runId: id, jobId: "prod", jobName: "prod", environment: "prod", reviewers: ["april", "role:admin", "bert"],
                approvalsRequired: 2, preventSelfReview: true, actor: "april", waitUntil: Date()))
        return id
    }

    static func review(_ environment: String, _ state: String) -> ByteBuffer {
        ByteBuffer(string: #"{"environment":"\#(environment)","state":"\#(state)","comment":"looked at it"}"#)
    }

    @Test func approversReviewAsThemselvesUnderTheDeploymentsRules() async throws {
        let harness = try ServerHarness()
        defer { harness.remove() }
        let run = try Self.waitingRun(harness)
        let path = "/api/v1/runs/\(run)/pending_deployments"
        try await harness.application().test(.router) { client in
            let viewer = ServerHarness.bearer(
                try await ReleaseGateTests.token(harness, "vera", role: "viewer", scope: "read", client: client))
            let april = ServerHarness.bearer(
                try await ReleaseGateTests.token(harness, "april", role: "approver", scope: "write", client: client))
            let bert = ServerHarness.bearer(
                try await ReleaseGateTests.token(harness, "bert", role: "approver", scope: "write", client: client))
            let carl = ServerHarness.bearer(
                try await ReleaseGateTests.token(harness, "carl", role: "approver", scope: "write", client: client))
            let admin = ServerHarness.bearer(harness.adminToken)

            try await client.execute(uri: path, method: .get, headers: viewer) { response in
                #expect(response.status == .ok)
                let list = ServerHarness.json(response.body) as? [[String: Any]] ?? []
                #expect(
                    list.count == 1 && list.first?["environment"] as? String == "prod" && list.first?["approvals_required"] as? Int == 2)
                #expect(list.first?["current_user_can_approve"] as? Bool == false, "a viewer cannot approve")
            }
            try await client.execute(uri: path, method: .post, headers: viewer, body: Self.review("prod", "approved")) {
                #expect($0.status == .forbidden, "viewers do not review")
            }
            try await client.execute(uri: path, method: .post, headers: april, body: Self.review("prod", "approved")) { response in
                #expect(response.status == .forbidden)
                #expect(String(buffer: response.body).contains("prevents self-review"))
            }
            try await client.execute(uri: path, method: .post, headers: carl, body: Self.review("prod", "approved")) { response in
                #expect(response.status == .forbidden)
                #expect(String(buffer: response.body).contains("carl is not a reviewer"))
            }
            try await client.execute(uri: path, method: .post, headers: bert, body: Self.review("prod", "maybe")) {
                #expect($0.status == .unprocessableContent)
            }
            try await client.execute(uri: path, method: .post, headers: bert, body: Self.review("qa", "approved")) {
                #expect($0.status == .conflict)
            }
            try await client.execute(uri: path, method: .post, headers: bert, body: Self.review("prod", "approved")) { response in
                #expect(response.status == .ok)
                let list = ServerHarness.json(response.body) as? [[String: Any]] ?? []
                #expect(list.first?["state"] as? String == "waiting", "one approval of two")
            }
            try await client.execute(uri: path, method: .post, headers: bert, body: Self.review("prod", "approved")) {
                #expect($0.status == .conflict, "once each")
            }
            // The admin is a reviewer through `role:admin`.
            try await client.execute(uri: path, method: .post, headers: admin, body: Self.review("prod", "approved")) { response in
                let list = ServerHarness.json(response.body) as? [[String: Any]] ?? []
                #expect(response.status == .ok && list.first?["state"] as? String == "approved")
            }
            try await client.execute(uri: path, method: .get, headers: viewer) { response in
                #expect((ServerHarness.json(response.body) as? [Any])?.isEmpty == true, "nothing waits any more")
            }
            try await client.execute(uri: "/api/v1/runs/\(run)", method: .get, headers: viewer) { response in
                let object = ServerHarness.json(response.body) as? [String: Any]
                #expect(object?["actor"] as? String == "april" && object?["status"] as? String == "waiting")
            }
        }
        let reviews = try harness.store.runs.reviews(ofDeployment: try #require(try harness.store.runs.deployments(ofRun: run).first?.id))
        #expect(reviews.map(\.user) == ["bert", "admin"] && reviews.allSatisfy { $0.comment == "looked at it" })
    }

    @Test func runsOfSlipwayRunAndUnknownRunsAreNotFound() async throws {
        let harness = try ServerHarness()
        defer { harness.remove() }
        let local = try harness.store.runs.begin(
            RunStore.Run(workflowPath: "w", workflowName: "w", event: "push", ref: "r", sha: "", result: "", startedAt: Date(), duration: 0)
        )
        try await harness.application().test(.router) { client in
            let admin = ServerHarness.bearer(harness.adminToken)
            for id in [local, local + 100] {
                try await client.execute(uri: "/api/v1/runs/\(id)/pending_deployments", method: .get, headers: admin) {
                    #expect($0.status == .notFound)
                }
                try await client.execute(
                    uri: "/api/v1/runs/\(id)/pending_deployments", method: .post, headers: admin, body: Self.review("prod", "approved")
                ) { #expect($0.status == .notFound) }
            }
            try await client.execute(uri: "/api/v1/runs/\(local)/pending_deployments", method: .get) { #expect($0.status == .unauthorized) }
        }
    }
}
