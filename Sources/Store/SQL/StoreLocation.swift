import Foundation

/// Where the store is: a SQLite file (the embedded default) or a PostgreSQL database.
public enum StoreLocation: Sendable, Hashable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresLocation)

    /// A `postgres://` URL, or else a file path.
    public init(parsing text: String) throws {
        let lowered = text.lowercased()
        if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            self = .postgres(try PostgresLocation(parsing: text))
        } else if lowered.contains("://") {
            throw StoreDatabaseError.invalidLocation(text, "expected a SQLite file's path or postgres://USER@HOST:PORT/DATABASE")
        } else {
            self = .sqlite(path: text)
        }
    }

    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let location): location.description
        }
    }

    /// Opens the database (migrating it); a PostgreSQL password is `password`.
    public func open(password: String? = nil) throws -> any SQLDatabase {
        switch self {
        case .sqlite(let path): try SQLiteStoreDatabase(path: path)
        case .postgres(let location): try PostgresStoreDatabase(location, password: password)
        }
    }

    /// The password of a PostgreSQL database: the first line of `file` (kept private to its owner), else the environment
    /// variable `SLIPWAY_DATABASE_PASSWORD`, else none (trust or certificate authentication).
    public static func password(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String? {
        if let file {
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw StoreDatabaseError.password("cannot read \(file): \(error.localizedDescription)")
            }
            guard let line = text.split(separator: "\n", omittingEmptySubsequences: false).first, !line.isEmpty else {
                throw StoreDatabaseError.password("\(file) is empty")
            }
            return String(line)
        }
        return environment["SLIPWAY_DATABASE_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
    }
}
