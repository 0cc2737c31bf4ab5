/// What a user may do, each role including the ones before it: viewers read; developers also push images and start
/// runs; approvers also decide gates and approvals; admins also manage projects, users and tokens.
public enum Role: String, Codable, Sendable, CaseIterable, Comparable {
    case viewer, developer, approver, admin

    var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}
