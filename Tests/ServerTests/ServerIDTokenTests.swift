import Core
import Foundation
import NIOHTTP1
import SlipwayTesting
import Testing

/// The server is its jobs' OIDC issuer: the discovery document and keys are served beside the API, and a job of a
/// pushed commit with `id-token: write` gets a token whose issuer is the server.
@Suite struct ServerIDTokenTests {
    @Test(.timeLimit(.minutes(3))) func theServersJobsGetTokensItIssues() async throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-server-oidc-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: out) }
        let (data, repository, sha) = try ServerEndToEndTests.setUp(
            workflow: """
                on: push
                jobs:
                  deploy:
                    permissions: {id-token: write}
                    runs-on: ubuntu-latest
                    steps:
                      - run: |
                          curl -sf -H "Authorization: Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" "$ACTIONS_ID_TOKEN_REQUEST_URL&audience=aws" > \(out)/token.json

                """)
        defer {
            repository.remove()
            try? FileManager.default.removeItem(atPath: data)
        }
        let server = try await ServerProcess.start(data)
        defer { server.process.kill9() }
        let discovery = try await server.request(.GET, "/.well-known/openid-configuration", token: "")
        #expect(
            discovery.object?["issuer"] as? String == server.url
                && discovery.object?["jwks_uri"] as? String == server.url + "/.well-known/jwks")
        let project = try await ServerEndToEndTests.addProject(server, repository: repository.path)
        #expect(
            try await server.push(repository: repository.path, sha: sha, delivery: "oidc-1", secret: ServerEndToEndTests.secret).status
                == 202)
        let runs = try await server.until("the run to finish", "/api/v1/runs?project=\(project)") { answer in
            (answer.array?.first?["status"] as? String) == "completed"
        }
        #expect(runs.array?.first?["conclusion"] as? String == "success", "\(runs.body) \(server.process.output.suffix(2000))")
        let answer = try #require(
            (try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/token.json")))) as? [String: Any])
        let token = try #require(answer["value"] as? String)
        let parts = token.split(separator: ".").map(String.init)
        try #require(parts.count == 3)
        let claims = try #require((try? JSONSerialization.jsonObject(with: Base64URL.decode(parts[1]) ?? Data())) as? [String: Any])
        #expect(claims["iss"] as? String == server.url && claims["aud"] as? String == "aws")
        #expect((claims["sub"] as? String)?.hasSuffix(":ref:refs/heads/main") == true, "\(claims)")
        let keys = try await server.request(.GET, "/.well-known/jwks", token: "")
        let header = parts[0]
        #expect(keys.status == 200 && (keys.object?["keys"] as? [[String: Any]])?.count == 1 && !header.isEmpty)
    }
}
