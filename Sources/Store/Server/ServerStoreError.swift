/// What the server's store refuses.
public enum ServerStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    case nameTaken(String)

    public var description: String {
        switch self {
        case .nameTaken(let name): "the name '\(name)' is taken"
        }
    }
}
