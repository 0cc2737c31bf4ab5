import Foundation
import Identity
import Runner
import Testing

/// The OIDC issuer's keys rotate with overlap: a new key signs after `rotationAge`, the old one stays published for
/// `overlap` more (tokens it signed still verify), then it is gone; grants end when revoked.
@Suite struct SigningKeysTests {
    static func directory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("slipway-keys-\(UUID().uuidString)").path
    }

    @Test func keysRotateWithOverlap() throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let keys = SigningKeys(directory: directory, rotationAge: 100, overlap: 50)
        let start = Date(timeIntervalSince1970: 1_000_000)
        let first = try keys.current(now: start)
        #expect(try keys.current(now: start.addingTimeInterval(99)).id == first.id, "the same key signs until it is 100 s old")
        let second = try keys.current(now: start.addingTimeInterval(100))
        #expect(second.id != first.id)
        #expect(try keys.published(now: start.addingTimeInterval(120)).map(\.id) == [second.id, first.id], "both are published")
        #expect(try keys.published(now: start.addingTimeInterval(150)).map(\.id) == [second.id], "the old key's overlap is over")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).count == 1)
        let jwk = try second.jwk()
        #expect(jwk["kty"] == "RSA" && jwk["alg"] == "RS256" && jwk["e"] == "AQAB" && jwk["kid"] == second.id)
        #expect((jwk["n"] ?? "").count > 340 && !(jwk["n"] ?? "").contains("="), "a 2048-bit modulus, base64url without padding")
    }

    @Test func aRevokedGrantGetsNoToken() async throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let issuer = IDTokenIssuer(issuerURL: "https://slipway.example", keys: SigningKeys(directory: directory))
        let grant = try await issuer.grant(IDTokenClaims([("sub", "repo:a/b:ref:refs/heads/main"), ("repository_owner", "a")]))
        #expect(grant.requestURL == "https://slipway.example/_apis/idtoken?api-version=2.0")
        let token = try #require(try await issuer.token(requestToken: grant.requestToken, audience: nil))
        #expect(token.split(separator: ".").count == 3)
        #expect(try await issuer.token(requestToken: "sidt_guess", audience: nil) == nil)
        await issuer.revoke(grant)
        #expect(try await issuer.token(requestToken: grant.requestToken, audience: nil) == nil)
    }
}
