/// What a user may do, each role including the ones before it: viewers read; developers also push images and start
/// runs; approvers also decide gates and approvals; admins also manage projects, users and tokens.
public enum Role: String, Codable, Sendable, CaseIterable, Comparable {
    case viewer, developer, approver, admin

    var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }

    /// The names of this role and those it includes, as `role:NAME` reviewers are matched against.
    public var includedNames: Set<String> { Set(Self.allCases.filter { $0 <= self }.map(\.rawValue)) }
}
