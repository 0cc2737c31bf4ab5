import Core
import Crypto
import Foundation

/// Who may do what on a registry Slipway serves: users from an htpasswd file (bcrypt), who sign in with Basic
/// credentials or with the bearer tokens this registry issues at `/token` (the flow Docker, skopeo and Slipway's own
/// client speak), and what anyone may do without signing in.
public struct RegistryAccess: Sendable {
    public enum Anonymous: String, Sendable, Hashable {
        /// Nothing without signing in; not even whether a repository exists.
        case none
        /// Pulls without signing in; pushes and deletes need a user.
        case pull
        /// Everything (a registry on loopback for one machine's builds).
        case everything
    }

    /// Checks a password (or a bearer credential, with an empty user name) against another authority — a server's API
    /// tokens — and answers the actions ("pull", "push", "delete") it allows on every repository; nil: not valid.
    public typealias Verifier = @Sendable (_ user: String, _ password: String) -> Set<String>?

    /// User name → bcrypt hash.
    public var users: [String: String]
    /// When set, Basic passwords and bearer credentials that are not this registry's tokens are checked here (and the
    /// htpasswd users are not consulted).
    public var verifier: Verifier?
    public var anonymous: Anonymous
    /// How long an issued token is good for.
    public var tokenLifetime: TimeInterval
    /// Signs tokens: random per server, so tokens die with it.
    let signingKey: SymmetricKey

    public init(users: [String: String] = [:], anonymous: Anonymous, tokenLifetime: TimeInterval = 300, verifier: Verifier? = nil) {
        self.users = users
        self.verifier = verifier
        self.anonymous = anonymous
        self.tokenLifetime = tokenLifetime
        signingKey = SymmetricKey(size: .bits256)
    }

    /// Everyone may do everything: the default on loopback.
    public static var open: RegistryAccess { RegistryAccess(anonymous: .everything) }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// An htpasswd file's bcrypt entries (`user:$2y$…`); other hash kinds are refused by name, since accepting them
    /// silently would leave users unable to sign in.
    public static func users(htpasswd path: String) throws(Failure) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "\(path): cannot read the htpasswd file")
        }
        let text: String
        do { text = try SourceText.decode(data, file: path) } catch { throw Failure(description: error.description) }
        var users: [String: String] = [:]
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let colon = trimmed.firstIndex(of: ":"), colon != trimmed.startIndex else {
                throw Failure(description: "\(path):\(number + 1):1: expected user:hash")
            }
            let hash = String(trimmed[trimmed.index(after: colon)...])
            guard hash.hasPrefix("$2y$") || hash.hasPrefix("$2b$") || hash.hasPrefix("$2a$") else {
                throw Failure(
                    description: "\(path):\(number + 1):\(trimmed.distance(from: trimmed.startIndex, to: colon) + 2): "
                        + "only bcrypt hashes are accepted (htpasswd -B); this one is not")
            }
            users[String(trimmed[..<colon])] = hash
        }
        return users
    }

    // MARK: Checking requests

    /// Who a request is: a user (by password or token), the grants a token carries, or nobody.
    enum Identity: Sendable, Equatable {
        case anonymous
        case user(String)
        /// Someone the verifier knows, allowed these actions on every repository.
        case member(String, actions: Set<String>)
        case token(subject: String, grants: Set<String>)
    }

    /// The identity an `Authorization` header proves; nil when it proves nothing (wrong password, bad or expired token).
    func identify(_ authorization: String?, now: Date = Date()) -> Identity? {
        guard let authorization, !authorization.isEmpty else { return .anonymous }
        if authorization.lowercased().hasPrefix("basic "),
            let decoded = Data(base64Encoded: String(authorization.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
            let pair = String(data: decoded, encoding: .utf8), let colon = pair.firstIndex(of: ":")
        {
            let user = String(pair[..<colon])
            let password = String(pair[pair.index(after: colon)...])
            if let verifier { return verifier(user, password).map { .member(user, actions: $0) } }
            // A user not in the file still costs a bcrypt, so timing says nothing about who exists.
            let hash = users[user] ?? Self.decoyHash
            return Bcrypt.verify(password, hash: hash) && users[user] != nil ? .user(user) : nil
        }
        if authorization.lowercased().hasPrefix("bearer ") {
            let credential = String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces)
            if let identity = verify(token: credential, now: now) { return identity }
            return verifier?("", credential).map { .member("", actions: $0) }
        }
        return nil
    }

    /// Whether `identity` may do `action` ("pull", "push", "delete") on `repository` (nil: the catalog).
    func allows(_ identity: Identity, _ action: String, repository: String?) -> Bool {
        switch identity {
        case .user: return true
        case .member(_, let actions): return repository == nil ? actions.contains("pull") : actions.contains(action)
        case .token(_, let grants):
            guard let repository else { return grants.contains("registry:catalog:*") }
            return grants.contains("repository:\(repository):\(action)") || grants.contains("repository:\(repository):*")
        case .anonymous:
            switch anonymous {
            case .everything: return true
            case .pull: return action == "pull" && repository != nil
            case .none: return false
            }
        }
    }

    /// A hash nobody's password matches, verified for unknown users.
    static let decoyHash = "$2y$05$ynEyPlVvNTgaAwASGIuAA.UibIVPJGCXUMDk/q2z3zFSj9uALKAIm"

    // MARK: Tokens

    /// A token for `subject` granting `grants` (`repository:NAME:ACTION`): payload and HMAC-SHA256, base64url.
    func issue(subject: String, grants: Set<String>, now: Date = Date()) -> String {
        let payload: [String: Any] = [
            "sub": subject, "grants": grants.sorted(), "exp": Int(now.timeIntervalSince1970 + tokenLifetime),
        ]
        let body = (try? JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys])) ?? Data()
        let signature = Data(HMAC<SHA256>.authenticationCode(for: body, using: signingKey))
        return Base64URL.encode(body) + "." + Base64URL.encode(signature)
    }

    func verify(token: String, now: Date) -> Identity? {
        let parts = token.split(separator: ".")
        guard parts.count == 2, let body = Base64URL.decode(String(parts[0])), let signature = Base64URL.decode(String(parts[1])),
            HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: body, using: signingKey),
            let payload = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
            let expiry = payload["exp"] as? Int, Double(expiry) > now.timeIntervalSince1970,
            let subject = payload["sub"] as? String, let grants = payload["grants"] as? [String]
        else { return nil }
        return .token(subject: subject, grants: Set(grants))
    }

    /// What a token request's `scope` parameters ask for, reduced to what `identity` may have.
    func grants(for scopes: [String], identity: Identity) -> Set<String> {
        var granted: Set<String> = []
        for scope in scopes {
            let parts = scope.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 3 else { continue }
            let type = parts[0]
            let name = parts[1..<(parts.count - 1)].joined(separator: ":")
            for action in parts[parts.count - 1].split(separator: ",").map(String.init) {
                if type == "registry", name == "catalog", action == "*", allows(identity, "pull", repository: nil),
                    identity != .anonymous
                {
                    granted.insert("registry:catalog:*")
                } else if type == "repository" {
                    let mapped = action == "*" ? "push" : action
                    if allows(identity, mapped, repository: name) { granted.insert("repository:\(name):\(action)") }
                }
            }
        }
        return granted
    }
}
