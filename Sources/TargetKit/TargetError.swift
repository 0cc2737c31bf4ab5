/// What went wrong in a target, with the object or command it concerns.
public enum TargetError: Error, CustomStringConvertible, Equatable, Sendable {
    case network(String)
    case sandbox(String)
    case invalid(String)
    case mesh(String)
    case notFound(String)
    /// Server-side apply met fields other managers own, with other values.
    case conflict(ObjectKey, [FieldOwnership.Conflict])
    /// A create found the object there already.
    case alreadyExists(ObjectKey)
    /// A write named a resource version the object has moved past (optimistic locking).
    case modified(ObjectKey)

    public var description: String {
        switch self {
        case .network(let why): "pod network: \(why)"
        case .sandbox(let why): "pod sandbox: \(why)"
        case .invalid(let why): why
        case .mesh(let why): "mesh: \(why)"
        case .notFound(let what): "\(what) not found"
        case .conflict(let key, let conflicts):
            "Apply failed with \(conflicts.count) conflict\(conflicts.count == 1 ? "" : "s"): "
                + conflicts.map { "conflict with \"\($0.manager)\": .\($0.field.joined(separator: "."))" }.joined(separator: "; ")
                + " (\(key)); re-apply with --force-conflicts to take the fields over"
        case .alreadyExists(let key):
            "\(key.kind.resource)\(key.kind.group.isEmpty ? "" : "." + key.kind.group) \"\(key.name)\" already exists"
        case .modified(let key):
            "Operation cannot be fulfilled on \(key.kind.resource)\(key.kind.group.isEmpty ? "" : "." + key.kind.group) \"\(key.name)\": "
                + "the object has been modified; please apply your changes to the latest version and try again"
        }
    }
}
