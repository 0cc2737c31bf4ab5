import Foundation

/// Where a PostgreSQL store is: `postgres://USER@HOST:PORT/DATABASE?sslmode=MODE&sslrootcert=FILE`. The password never
/// comes with it (a command line is visible to every user of the machine): it is read from a file or the environment.
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    /// As libpq names them: `disable`, `prefer` (the default: TLS when the server offers it), `require` (TLS, the
    /// server's certificate not checked), `verify-full` (TLS, the certificate checked against `sslrootcert` or the
    /// system's roots, and the host name).
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        case disable, prefer, require
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    public var tls: TLSMode
    /// PEM file of the certificate authorities `verify-full` trusts (instead of the system's).
    public var rootCertificate: String?

    public init(host: String, port: Int, user: String, database: String, tls: TLSMode = .prefer, rootCertificate: String? = nil) {
        self.host = host
        self.port = port
        self.user = user
        self.database = database
        self.tls = tls
        self.rootCertificate = rootCertificate
    }

    /// Parses a `postgres://` (or `postgresql://`) URL; a password in it is refused.
    public init(parsing text: String) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
            ["postgres", "postgresql"].contains(scheme.lowercased())
        else {
            throw StoreDatabaseError.invalidLocation(text, "expected postgres://USER@HOST:PORT/DATABASE")
        }
        guard components.password == nil else {
            throw StoreDatabaseError.invalidLocation(
                "postgres://\(components.user ?? "")@\(components.host ?? "")",
                "the URL carries a password: give it in a file (--database-password-file) or in SLIPWAY_DATABASE_PASSWORD instead")
        }
        guard let user = components.user, !user.isEmpty else {
            throw StoreDatabaseError.invalidLocation(text, "expected a user: postgres://USER@HOST:PORT/DATABASE")
        }
        guard let host = components.host, !host.isEmpty else {
            throw StoreDatabaseError.invalidLocation(text, "expected a host: postgres://USER@HOST:PORT/DATABASE")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        var tls = TLSMode.prefer
        var rootCertificate: String?
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, let mode = TLSMode(rawValue: value) else {
                    throw StoreDatabaseError.invalidLocation(
                        text, "sslmode must be one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                tls = mode
            case "sslrootcert": rootCertificate = item.value
            default:
                throw StoreDatabaseError.invalidLocation(text, "unknown parameter '\(item.name)' (known: sslmode, sslrootcert)")
            }
        }
        self.init(
            host: host, port: components.port ?? 5432, user: user, database: database.isEmpty ? user : database, tls: tls,
            rootCertificate: rootCertificate)
    }

    public var description: String {
        "postgres://\(user)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)?sslmode=\(tls.rawValue)"
    }
}
