import Core
import Crypto
import Foundation
import Hummingbird
import Runner

/// Slipway's OIDC issuer for jobs: it grants each job a request token, answers `GET <request URL>&audience=…` with
/// `{"value": JWT}` (RS256, the job's claims, valid five minutes), and publishes its discovery document and keys under
/// `/.well-known/`, so a cloud provider (or any verifier) can trust tokens by issuer and subject, with no stored keys.
public actor IDTokenIssuer {
    /// The issuer's URL (`iss`), known once its server listens.
    public private(set) var issuerURL: String
    let keys: SigningKeys
    /// A job's token lifetime: GitHub's (`exp` − `iat` = 300 s).
    static let lifetime: TimeInterval = 300
    var grants: [String: IDTokenClaims] = [:]

    public init(issuerURL: String, keys: SigningKeys) {
        self.issuerURL = issuerURL
        self.keys = keys
    }

    public func setIssuerURL(_ url: String) { issuerURL = url }

    /// The path jobs ask for tokens at; `?api-version=2.0` so `&audience=` can be appended, as GitHub's URL allows.
    static let tokenPath = "/_apis/idtoken"

    public func grant(_ claims: IDTokenClaims) throws -> IDTokenGrant {
        var bytes = [UInt8](repeating: 0, count: 32)
        for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255) }
        let token = "sidt_" + Base64URL.encode(bytes)
        grants[token] = claims
        return IDTokenGrant(requestURL: issuerURL + Self.tokenPath + "?api-version=2.0", requestToken: token)
    }

    public func revoke(_ grant: IDTokenGrant) { grants[grant.requestToken] = nil }

    /// A token for the job the request token was granted to; nil for a token not (or no longer) granted.
    public func token(requestToken: String, audience: String?, now: Date = Date()) throws -> String? {
        guard let claims = grants[requestToken] else { return nil }
        let key = try keys.current(now: now)
        let issuedAt = Int(now.timeIntervalSince1970)
        var payload: [String: Any] = [:]
        for (name, value) in claims.pairs { payload[name] = value }
        let owner = claims["repository_owner"] ?? ""
        payload["aud"] = audience.flatMap { $0.isEmpty ? nil : $0 } ?? "https://github.com/\(owner)"
        payload["iss"] = issuerURL
        payload["iat"] = issuedAt
        payload["nbf"] = issuedAt
        payload["exp"] = issuedAt + Int(Self.lifetime)
        payload["jti"] = UUID().uuidString.lowercased()
        return try JSONWebToken.sign(claims: payload, key: key)
    }

    /// `/.well-known/openid-configuration`.
    public func discovery() -> Data {
        Self.serialize([
            "issuer": issuerURL, "jwks_uri": issuerURL + "/.well-known/jwks", "response_types_supported": ["id_token"],
            "subject_types_supported": ["public", "pairwise"], "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid"],
            "claims_supported": [
                "sub", "aud", "exp", "iat", "iss", "jti", "nbf", "ref", "sha", "repository", "repository_owner", "run_id", "run_number",
                "run_attempt", "actor", "workflow", "event_name", "ref_type", "head_ref", "base_ref", "environment", "job_workflow_ref",
                "workflow_ref", "runner_environment",
            ],
        ])
    }

    /// `/.well-known/jwks`: every published key (the signing one and those still in their overlap).
    public func jwks(now: Date = Date()) throws -> Data {
        _ = try keys.current(now: now)
        return Self.serialize(["keys": try keys.published(now: now).map { try $0.jwk() }])
    }

    static func serialize(_ object: [String: Any]) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }
}

extension IDTokenIssuer {
    /// Adds the discovery document, the keys and the token endpoint to a router.
    public nonisolated func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        let issuer = self
        router.get("/.well-known/openid-configuration") { _, _ in
            Self.json(await issuer.discovery())
        }
        router.get("/.well-known/jwks") { _, _ in
            Self.json(try await issuer.jwks())
        }
        router.get(RouterPath(Self.tokenPath)) { request, _ in
            let header = request.headers[.authorization] ?? ""
            guard header.hasPrefix("Bearer "),
                let token = try await issuer.token(
                    requestToken: String(header.dropFirst(7)), audience: request.uri.queryParameters["audience"].map(String.init))
            else {
                return Self.json(["message": "no such grant: the job's token is missing, wrong or expired"], status: .unauthorized)
            }
            return Self.json(["value": token])
        }
    }

    static func json(_ object: [String: String], status: HTTPResponse.Status = .ok) -> Response {
        json(serialize(object), status: status)
    }

    static func json(_ data: Data, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension IDTokenIssuer: IDTokenIssuing {}
