/// What opening or using the store's database can fail with, in words a user acts on. Messages carry the database's
/// own words and SQLSTATE, never a statement's values.
public enum StoreDatabaseError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidLocation(String, String)
    case unreachable(String, String)
    case failed(message: String, sqlState: String?)
    case password(String)
    case closed

    public var description: String {
        switch self {
        case .invalidLocation(let location, let expected): "database \(location): \(expected)"
        case .unreachable(let location, let why): "cannot connect to the database \(location): \(why)"
        case .failed(let message, let sqlState): "the database refused a statement: \(message)\(sqlState.map { " (SQLSTATE \($0))" } ?? "")"
        case .password(let why): "the database password: \(why)"
        case .closed: "the store's database was closed"
        }
    }
}
