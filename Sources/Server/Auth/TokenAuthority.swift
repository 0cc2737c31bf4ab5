import Crypto
import Foundation
import Store

/// Issues and checks API tokens. A token is `slw_` and 32 random bytes in hex; only its SHA-256 is stored, so the
/// database never holds a usable token.
public struct TokenAuthority: Sendable {
    let store: ServerStore

    public init(store: ServerStore) { self.store = store }

    /// A new token for a user: the token itself (shown once) and its row.
    public func issue(userId: Int64, name: String, scope: TokenScope) throws -> (token: String, row: TokenRow) {
        let token = "slw_" + Self.randomHex(bytes: 32)
        let row = try store.addToken(
            TokenRow(userId: userId, name: name, scope: scope.rawValue, hash: Self.hash(token), createdAt: Date().timeIntervalSince1970))
        return (token, row)
    }

    /// The principal of an `Authorization: Bearer TOKEN` (or a bare token, as GitLab's `PRIVATE-TOKEN`); nil when it is
    /// missing, unknown or revoked.
    public func principal(bearer header: String?) throws -> Principal? {
        guard let header else { return nil }
        let token = header.hasPrefix("Bearer ") ? String(header.dropFirst(7)) : header
        return try principal(token: token.trimmingCharacters(in: .whitespaces))
    }

    public func principal(token: String) throws -> Principal? {
        guard token.hasPrefix("slw_"), token.count == 68 else { return nil }
        guard let found = try store.activeToken(hash: Self.hash(token)), let userId = found.user.id, let tokenId = found.token.id,
            let role = Role(rawValue: found.user.role), let scope = TokenScope(rawValue: found.token.scope)
        else { return nil }
        return Principal(userId: userId, userName: found.user.name, role: role, tokenId: tokenId, scope: scope)
    }

    /// `bytes` random bytes from the system's generator, in hex.
    static func randomHex(bytes: Int) -> String {
        var random = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &random)) }.joined()
    }

    /// Whether two byte strings are equal, compared without an early exit: the time taken says nothing about where they
    /// differ.
    static func sameBytes(_ left: some Sequence<UInt8>, _ right: some Sequence<UInt8>) -> Bool {
        let (a, b) = (Array(left), Array(right))
        return a.count == b.count && zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
