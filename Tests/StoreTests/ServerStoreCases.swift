import Foundation
import SlipwayTesting
import Testing

@testable import Store

extension StoreSuite {
    @Suite struct ServerStoreCases {
        static let now = 1_800_000_000.0

        func project(_ store: ServerStore, _ name: String = "app") throws -> Int64 {
            try #require(
                try store.addProject(
                    ProjectRow(
                        name: name, repository: "/r/\(name)", defaultBranch: "main", webhookSecret: [0, 1, 255], createdAt: Self.now)
                ).id)
        }

        func push(_ project: Int64, source: String, delivery: String, sha: String = "abc") -> EventRow {
            EventRow(
                projectId: project, source: source, deliveryId: delivery, event: "push", ref: "refs/heads/main", sha: sha, payload: "{}",
                createdAt: Self.now)
        }

        @Test(arguments: Backend.allCases) func projectsUsersAndTokens(_ backend: Backend) async throws {
            try await withDatabase(backend) { database in
                let store = try ServerStore(database: database)
                let id = try project(store)
                #expect(throws: ServerStoreError.nameTaken("app")) {
                    try store.addProject(ProjectRow(name: "app", repository: "x", defaultBranch: "main", webhookSecret: nil, createdAt: 0))
                }
                #expect(try store.project(named: "app")?.webhookSecret == [0, 1, 255], "bytes come back as written")
                #expect(try store.project(id: id)?.name == "app")
                #expect(try store.projects().map(\.name) == ["app"])

                let user = try store.addUser(UserRow(name: "alice", role: "approver", createdAt: Self.now))
                let userId = try #require(user.id)
                #expect(throws: ServerStoreError.nameTaken("alice")) {
                    try store.addUser(UserRow(name: "alice", role: "viewer", createdAt: 0))
                }
                let token = try store.addToken(TokenRow(userId: userId, name: "ci", scope: "write", hash: "h1", createdAt: Self.now))
                #expect(try store.activeToken(hash: "h1")?.user.name == "alice")
                #expect(try store.revokeToken(try #require(token.id)) == true)
                #expect(try store.revokeToken(try #require(token.id)) == false, "revoked once")
                #expect(try store.activeToken(hash: "h1") == nil)
                #expect(try store.tokens(userId: userId).count == 1)
                #expect(try store.readiness().isCurrent)
            }
        }

        @Test(arguments: Backend.allCases) func eventsAreQueuedOnceAndClaimedOnce(_ backend: Backend) async throws {
            try await withDatabase(backend) { database in
                let store = try ServerStore(database: database)
                let id = try project(store)
                let first = try store.enqueue(push(id, source: "github", delivery: "d1"))
                #expect(first.isNew)
                #expect(try store.enqueue(push(id, source: "github", delivery: "d1")).isNew == false, "a redelivery")
                let hook = try store.enqueue(push(id, source: "git", delivery: "h1"))
                #expect(!hook.isNew && hook.event.id == first.event.id, "the same push from another channel")
                for index in 2...40 { _ = try store.enqueue(push(id, source: "github", delivery: "d\(index)", sha: "s\(index)")) }

                // Two handles on one database, as two replicas: every event claimed by exactly one of eight workers.
                let second = try secondHandle(on: database)
                defer { second.close() }
                let stores = [store, try ServerStore(database: second)]
                let claimed = try await withThrowingTaskGroup(of: [Int64].self) { group in
                    for worker in 0..<8 {
                        let store = stores[worker % 2]
                        group.addTask {
                            var mine: [Int64] = []
                            while let event = try store.claimNextEvent() { mine.append(try #require(event.id)) }
                            return mine
                        }
                    }
                    return try await group.reduce(into: []) { $0 += $1 }
                }
                #expect(claimed.count == 40 && Set(claimed).count == 40, "40 events, each claimed once: \(claimed.sorted())")
                try store.finishEvent(claimed[0], state: .completed, reason: nil)
                let abandoned = try store.failAbandonedEvents(reason: "killed")
                #expect(abandoned.count == 39 && !abandoned.contains(claimed[0]))
                #expect(try store.event(id: abandoned[0])?.reason == "killed")
                #expect(
                    try store.events(projectId: id, limit: 5).map(\.id)
                        == Array(try store.events(projectId: id, limit: 50).map(\.id).prefix(5)))
                #expect(try store.events(projectId: id, beforeId: 3).compactMap(\.id) == [2, 1])
            }
        }

        @Test(arguments: Backend.allCases) func pipelinesAndTriggers(_ backend: Backend) async throws {
            try await withDatabase(backend) { database in
                let store = try ServerStore(database: database)
                let one = try project(store, "one")
                let two = try project(store, "two")
                let trigger = try store.addTriggerToken(
                    TriggerTokenRow(projectId: one, ownerId: 1, description: "ci", hash: "t", prefix: "glptt", createdAt: Self.now))
                func pipeline(_ project: Int64, trigger: Int64? = nil) throws -> PipelineRow {
                    try store.addPipeline(
                        PipelineRow(
                            projectId: project, ref: "main", sha: "abc", tag: false, status: "pending", source: "trigger", variables: "{}",
                            triggerPayload: nil, triggerId: trigger, createdAt: Self.now + 1))
                }
                let first = try pipeline(one, trigger: trigger.id)
                let second = try pipeline(one)
                let other = try pipeline(two)
                #expect([first.iid, second.iid, other.iid] == [1, 2, 1], "numbered per project")
                #expect(try store.triggerTokens(projectId: one).first?.lastUsedAt == Self.now + 1)
                #expect(try store.triggerToken(hash: "t", projectId: two) == nil)
                let firstId = try #require(first.id)
                try store.updatePipeline(firstId, status: "running", runId: 9)
                try store.updatePipeline(firstId, status: "success")
                let updated = try #require(try store.pipeline(id: firstId))
                #expect(updated.status == "success" && updated.runId == 9 && updated.tag == false)
                #expect(try store.pipeline(runId: 9)?.id == first.id)
                #expect(try store.pipelines(projectId: one, status: "pending").map(\.iid) == [2])
                #expect(try store.failAbandonedPipelines(reason: "restart") == [second.id, other.id].compactMap { $0 })
                #expect(try store.deleteTriggerToken(try #require(trigger.id), projectId: two) == false)
                #expect(try store.deleteTriggerToken(try #require(trigger.id), projectId: one) == true)
            }
        }

        @Test(arguments: Backend.allCases) func headsSecretsVariablesAndLogs(_ backend: Backend) async throws {
            try await withDatabase(backend) { database in
                let store = try ServerStore(database: database)
                let id = try project(store)
                #expect(try store.heads(projectId: id) == nil, "never looked at")
                let queued = try store.updateHeads(
                    projectId: id, heads: ["refs/heads/main": "abc"], queueing: [push(id, source: "poll", delivery: "p1")])
                #expect(queued.count == 1)
                #expect(try store.heads(projectId: id) == ["refs/heads/main": "abc"])
                #expect(try store.updateHeads(projectId: id, heads: [:], queueing: [push(id, source: "git", delivery: "g1")]).isEmpty)

                #expect(try store.setSecret(SecretRow(projectId: id, name: "TOKEN", sealed: [1, 2], updatedAt: 1, updatedBy: "a")))
                #expect(try store.setSecret(SecretRow(projectId: id, name: "TOKEN", sealed: [3], updatedAt: 2, updatedBy: "b")) == false)
                #expect(try store.secrets(projectId: id).map(\.sealed) == [[3]])
                #expect(try store.deleteSecret(projectId: id, name: "TOKEN"))
                #expect(try store.setVariable(VariableRow(projectId: id, name: "REGISTRY", value: "r", updatedAt: 1, updatedBy: "a")))
                #expect(
                    try store.setVariable(VariableRow(projectId: id, name: "REGISTRY", value: "s", updatedAt: 2, updatedBy: "a")) == false)
                #expect(try store.variables(projectId: id).map(\.value) == ["s"])
                #expect(
                    try store.setEnvironmentSecret(
                        EnvironmentSecretRow(projectId: id, environment: "PROD", name: "K", sealed: [9], updatedAt: 1, updatedBy: "a")))
                #expect(try store.environmentSecrets(projectId: id, environment: "prod").map(\.environment) == ["prod"])
                #expect(try store.deleteEnvironmentSecret(projectId: id, environment: "Prod", name: "K"))

                let event = try #require(queued.first?.id)
                try store.appendLogLines((1...5).map { LogLineRow(eventId: event, job: "build", text: "line \($0)", at: Double($0)) })
                let all = try store.logLines(eventId: event, afterId: 0)
                #expect(all.map(\.text) == (1...5).map { "line \($0)" })
                #expect(try store.logLines(eventId: event, afterId: try #require(all[2].id)).map(\.text) == ["line 4", "line 5"])
            }
        }
    }
}
