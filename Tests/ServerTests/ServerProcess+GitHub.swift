import NIOHTTP1
import SlipwayTesting

extension ServerProcess {
    /// A signed GitHub push delivery.
    func push(repository: String, sha: String, delivery: String, secret: String, ref: String = "refs/heads/main") async throws -> Answer {
        let body = ServerHarness.push(repository: repository, ref: ref, sha: sha)
        let headers = [
            ("X-GitHub-Event", "push"), ("X-GitHub-Delivery", delivery),
            ("X-Hub-Signature-256", "sha256=" + ServerHarness.hmac(body, secret)),
            ("Content-Type", "application/json"),
        ]
        return try await request(.POST, "/api/v1/hooks/github", headers: headers, body: body)
    }
}
