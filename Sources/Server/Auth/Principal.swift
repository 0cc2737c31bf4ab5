/// Who a request is: a user through one of their tokens.
public struct Principal: Sendable, Hashable {
    public var userId: Int64
    public var userName: String
    public var role: Role
    public var tokenId: Int64
    public var scope: TokenScope

    /// Whether this principal may do what needs `role` and `scope`.
    public func allows(_ role: Role, _ scope: TokenScope) -> Bool { self.role >= role && self.scope >= scope }
}
