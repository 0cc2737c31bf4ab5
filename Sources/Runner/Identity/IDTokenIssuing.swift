/// Where jobs with `permissions: id-token: write` get OIDC tokens: the host's issuer (the server's, or a loopback one
/// for a local run). A job is granted a request URL and a bearer token for its lifetime; each request returns a token
/// with the job's claims and the audience asked for.
public protocol IDTokenIssuing: Sendable {
    /// Lets a job ask for tokens with these claims until `revoke`.
    func grant(_ claims: IDTokenClaims) async throws -> IDTokenGrant
    func revoke(_ grant: IDTokenGrant) async
}

/// What `ACTIONS_ID_TOKEN_REQUEST_URL` and `ACTIONS_ID_TOKEN_REQUEST_TOKEN` hold for a job.
public struct IDTokenGrant: Sendable, Hashable {
    public var requestURL: String
    public var requestToken: String

    public init(requestURL: String, requestToken: String) {
        self.requestURL = requestURL
        self.requestToken = requestToken
    }
}

/// A job's claims, as GitHub names them (`sub`, `ref`, `sha`, `repository`, `environment`, `run_id`,
/// `job_workflow_ref`, …); the issuer adds `iss`, `aud`, `iat`, `nbf`, `exp` and `jti`.
public struct IDTokenClaims: Sendable, Hashable {
    /// In order: `sub` first.
    public var pairs: [(String, String)]

    public init(_ pairs: [(String, String)]) { self.pairs = pairs }

    public subscript(name: String) -> String? { pairs.first { $0.0 == name }?.1 }

    public static func == (lhs: IDTokenClaims, rhs: IDTokenClaims) -> Bool {
        lhs.pairs.map(\.0) == rhs.pairs.map(\.0) && lhs.pairs.map(\.1) == rhs.pairs.map(\.1)
    }

    public func hash(into hasher: inout Hasher) {
        for (key, value) in pairs {
            hasher.combine(key)
            hasher.combine(value)
        }
    }
}
