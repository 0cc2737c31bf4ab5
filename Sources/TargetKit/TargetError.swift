/// What went wrong in a target, with the object or command it concerns.
public enum TargetError: Error, CustomStringConvertible, Equatable, Sendable {
    case network(String)
    case sandbox(String)
    case invalid(String)
    case mesh(String)
    case notFound(String)

    public var description: String {
        switch self {
        case .network(let why): "pod network: \(why)"
        case .sandbox(let why): "pod sandbox: \(why)"
        case .invalid(let why): why
        case .mesh(let why): "mesh: \(why)"
        case .notFound(let what): "\(what) not found"
        }
    }
}
