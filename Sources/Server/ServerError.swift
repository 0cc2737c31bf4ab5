/// What stops the server from starting or serving, in words for the operator.
public enum ServerError: Error, Sendable, CustomStringConvertible {
    case configuration(String)
    case git(String)

    public var description: String {
        switch self {
        case .configuration(let text): text
        case .git(let text): text
        }
    }
}
