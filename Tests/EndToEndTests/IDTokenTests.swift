import Core
import Foundation
import SlipwayTesting
import Testing

/// OIDC tokens for jobs, as GitHub issues them, checked by an independent verifier (PyJWT, installed by
/// `scripts/setup`): a job with `id-token: write` gets the request URL and token, a token verifies with the issuer's
/// published keys and carries GitHub's claims — a PROD job's `sub` names the environment — and a job without the
/// permission gets nothing.
@Suite struct IDTokenTests {
    static let pyjwt = CacheDirectory.path(for: "python/pyjwt-2.10.1")

    static let workflow = """
        on: push
        permissions: {contents: read}
        jobs:
          deploy:
            environment: prod
            permissions: {id-token: write}
            runs-on: ubuntu-latest
            steps:
              - run: |
                  base="${ACTIONS_ID_TOKEN_REQUEST_URL%%/_apis*}"
                  curl -sf -H "Authorization: Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" "$ACTIONS_ID_TOKEN_REQUEST_URL&audience=sts.example" > "$OUT/prod.json"
                  curl -sf "$base/.well-known/openid-configuration" > "$OUT/discovery.json"
                  curl -sf "$base/.well-known/jwks" > "$OUT/jwks.json"
                  curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer wrong" "$ACTIONS_ID_TOKEN_REQUEST_URL" > "$OUT/wrong.txt"
                  echo "token for $ACTIONS_ID_TOKEN_REQUEST_TOKEN"
          build:
            permissions: {id-token: write}
            runs-on: ubuntu-latest
            steps:
              - run: |
                  curl -sf -H "Authorization: Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" "$ACTIONS_ID_TOKEN_REQUEST_URL" > "$OUT/build.json"
          plain:
            runs-on: ubuntu-latest
            steps:
              - run: echo "${ACTIONS_ID_TOKEN_REQUEST_URL:-no url}|${ACTIONS_ID_TOKEN_REQUEST_TOKEN:-no token}" > "$OUT/plain.txt"
        """

    /// Verifies a token as a relying party would: the key named by `kid` from the JWKS, RS256, the audience and the
    /// issuer of the discovery document; prints the claims as JSON.
    static let verifier = """
        import json, sys, jwt
        out, audience = sys.argv[1], sys.argv[2]
        token = json.load(open(out + "/" + sys.argv[3]))["value"]
        keys = json.load(open(out + "/jwks.json"))["keys"]
        issuer = json.load(open(out + "/discovery.json"))["issuer"]
        header = jwt.get_unverified_header(token)
        key = next(k for k in keys if k["kid"] == header["kid"])
        claims = jwt.decode(token, jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(key)), algorithms=["RS256"],
                            audience=audience, issuer=issuer, options={"require": ["exp", "iat", "nbf", "jti", "sub"]})
        claims["header"] = header
        print(json.dumps(claims))
        """

    @Test(.timeLimit(.minutes(3))) func jobsWithThePermissionGetTokensAVerifierAccepts() async throws {
        try #require(
            FileManager.default.fileExists(atPath: Self.pyjwt + "/jwt/__init__.py"), "PyJWT is missing: run scripts/setup (\(Self.pyjwt))")
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        let out = repo.path + "/.out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try repo.write(".github/workflows/cd.yml", Self.workflow)
        try repo.write("slipway.yaml", "environments:\n  prod: {tags: [\"v*\"]}\n")
        try repo.write(".gitignore", ".out/\n.slipway/\n")
        try repo.commitAll("cd")
        try repo.git(["remote", "add", "origin", "https://example.invalid/acme/shop.git"])
        let data = repo.path + "/.data"
        let run = try await CapturedCommand.run(
            SignalTests.slipway, ["run", "-C", repo.path, "--ref", "refs/tags/v2.0.0", "--actor", "dana", "--env", "OUT=\(out)"],
            environment: ["SLIPWAY_DATA_DIR": data], timeout: .seconds(120))
        try #require(run.succeeded, "\(run.standardOutput)\(run.standardError)")

        func verify(_ file: String, audience: String) async throws -> [String: Any] {
            let script = out + "/verify.py"
            try Self.verifier.write(toFile: script, atomically: true, encoding: .utf8)
            let result = try await CapturedCommand.run(
                "/usr/bin/python3", [script, out, audience, file], environment: ["PYTHONPATH": Self.pyjwt], timeout: .seconds(60))
            #expect(result.succeeded, "\(result.standardError)")
            return (try? JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8))) as? [String: Any] ?? [:]
        }
        let prod = try await verify("prod.json", audience: "sts.example")
        #expect(prod["sub"] as? String == "repo:acme/shop:environment:prod")
        #expect(
            prod["environment"] as? String == "prod" && prod["ref"] as? String == "refs/tags/v2.0.0" && prod["ref_type"] as? String == "tag"
        )
        #expect(prod["repository"] as? String == "acme/shop" && prod["repository_owner"] as? String == "acme")
        #expect(prod["actor"] as? String == "dana" && (prod["sha"] as? String)?.count == 40 && prod["run_id"] as? String != nil)
        #expect(prod["job_workflow_ref"] as? String == "acme/shop/.github/workflows/cd.yml@refs/tags/v2.0.0")
        let lifetime = (prod["exp"] as? Int ?? 0) - (prod["iat"] as? Int ?? 0)
        #expect(lifetime == 300 && prod["nbf"] as? Int == prod["iat"] as? Int)
        let header = prod["header"] as? [String: Any] ?? [:]
        #expect(header["alg"] as? String == "RS256" && header["typ"] as? String == "JWT" && (header["kid"] as? String)?.isEmpty == false)

        // Without an environment the subject is the ref; without an audience it is GitHub's default, the owner's URL.
        let build = try await verify("build.json", audience: "https://github.com/acme")
        #expect(build["sub"] as? String == "repo:acme/shop:ref:refs/tags/v2.0.0" && build["environment"] == nil)

        #expect(try String(contentsOfFile: out + "/plain.txt", encoding: .utf8) == "no url|no token\n", "no permission, no token")
        #expect(try String(contentsOfFile: out + "/wrong.txt", encoding: .utf8) == "401")
        #expect(run.standardOutput.contains("token for ***"), "the request token is masked")
        // The issuer's key is kept in the data directory, readable by its owner only.
        let keys = try FileManager.default.contentsOfDirectory(atPath: data + "/oidc/keys")
        #expect(keys.count == 1)
        let attributes = try FileManager.default.attributesOfItem(atPath: data + "/oidc/keys/" + (keys.first ?? ""))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }
}
