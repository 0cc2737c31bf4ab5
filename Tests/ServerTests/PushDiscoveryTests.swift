import Core
import Foundation
import NIOHTTP1
import SlipwayTesting
import Testing

/// Pushes the server finds without a forge: the post-receive hook it installs in a local repository, and polling.
@Suite struct PushDiscoveryTests {
    static let workflow = """
        on: push
        jobs:
          hello:
            runs-on: ubuntu-latest
            steps:
              - run: echo "pushed ${{ github.ref_name }}"

        """

    static func runs(_ server: ServerProcess, project: Int, count: Int) async throws -> [[String: Any]] {
        let answer = try await server.until("\(count) run(s) to finish", within: .seconds(60), "/api/v1/runs?project=\(project)") {
            answer in
            let rows = answer.json as? [[String: Any]] ?? []
            return rows.count >= count && rows.allSatisfy { $0["status"] as? String == "completed" }
        }
        return answer.json as? [[String: Any]] ?? []
    }

    @Test(.timeLimit(.minutes(3))) func aPushToALocalBareRepositoryStartsItsWorkflowsThroughTheHook() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-server-hook-\(UUID().uuidString.prefix(8))").path
        let bare = data + "-origin.git"
        try FileManager.default.createDirectory(atPath: bare, withIntermediateDirectories: true)
        let clone = try TemporaryRepository.make()
        defer {
            clone.remove()
            try? FileManager.default.removeItem(atPath: data)
            try? FileManager.default.removeItem(atPath: bare)
        }
        try clone.git(["init", "-q", "--bare", "-b", "main", bare])
        // Polling off: only the hook can make this run.
        let server = try await ServerProcess.start(data, arguments: ["--poll-interval", "0"])
        defer { server.process.kill9() }
        let added = try await server.request(
            .POST, "/api/v1/projects", body: #"{"name":"app","repository":"\#(bare)","webhook_secret":"s"}"#)
        #expect((added.json as? [String: Any])?["push_hook"] as? String == "installed", "\(added.body)")
        let project = (added.json as? [String: Any])?["id"] as? Int ?? 0
        let hook = try String(contentsOfFile: bare + "/hooks/post-receive", encoding: .utf8)
        #expect(hook.contains("server notify") && !hook.contains(server.adminToken))
        #expect((try FileManager.default.attributesOfItem(atPath: bare + "/hooks/post-receive")[.posixPermissions] as? Int) == 0o700)

        try clone.write(".github/workflows/ci.yml", Self.workflow)
        try clone.commitAll("ci")
        try clone.git(["push", "-q", bare, "main"])
        let runs = try await Self.runs(server, project: project, count: 1)
        #expect(runs.count == 1 && runs.first?["conclusion"] as? String == "success" && runs.first?["ref"] as? String == "refs/heads/main")
        let sha = runs.first?["sha"] as? String ?? ""
        // The forge's webhook for the same push, later: one push, not two.
        let webhook = try await server.push(repository: bare, sha: sha, delivery: "gh-1", secret: "s")
        #expect(webhook.status == 200 && webhook.body.contains(#""duplicate":true"#), "\(webhook.body)")
        // A second branch: one more run.
        try clone.git(["push", "-q", bare, "main:feature"])
        let more = try await Self.runs(server, project: project, count: 2)
        #expect(Set(more.compactMap { $0["ref"] as? String }) == ["refs/heads/main", "refs/heads/feature"])
        // A wrong hook token: 401, like an unknown project.
        let forged = try await server.request(.POST, "/api/v1/hooks/git?project=\(project)", headers: [("X-Slipway-Hook-Token", "slh_x")])
        #expect(forged.status == 401)
    }

    @Test(.timeLimit(.minutes(3))) func pollingFindsPushesNoHookReported() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-server-poll-\(UUID().uuidString.prefix(8))").path
        let repository = try TemporaryRepository.make()
        defer {
            repository.remove()
            try? FileManager.default.removeItem(atPath: data)
        }
        // Someone else's hook is left alone.
        try repository.write(".git/hooks/post-receive", "#!/bin/sh\necho theirs\n")
        let server = try await ServerProcess.start(data, arguments: ["--poll-interval", "1"])
        defer { server.process.kill9() }
        let added = try await server.request(.POST, "/api/v1/projects", body: #"{"name":"app","repository":"\#(repository.path)"}"#)
        #expect(((added.json as? [String: Any])?["push_hook"] as? String)?.contains("is not Slipway's") == true, "\(added.body)")
        #expect(try String(contentsOfFile: repository.path + "/.git/hooks/post-receive", encoding: .utf8) == "#!/bin/sh\necho theirs\n")
        let project = (added.json as? [String: Any])?["id"] as? Int ?? 0
        // What the repository had when it was added is not new.
        try repository.write(".github/workflows/ci.yml", Self.workflow)
        try repository.commitAll("ci")
        let runs = try await Self.runs(server, project: project, count: 1)
        #expect(runs.count == 1 && runs.first?["conclusion"] as? String == "success")
        let deliveries = try await server.request(.GET, "/api/v1/deliveries?project=\(project)")
        #expect((deliveries.json as? [[String: Any]])?.map { $0["source"] as? String } == ["git"])
    }
}
