/// What a token may do, never more than its user's role: `read` only reads, `write` also acts (runs, gates),
/// `admin` also manages projects, users and tokens.
public enum TokenScope: String, Codable, Sendable, CaseIterable, Comparable {
    case read, write, admin

    var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    public static func < (lhs: TokenScope, rhs: TokenScope) -> Bool { lhs.rank < rhs.rank }
}
