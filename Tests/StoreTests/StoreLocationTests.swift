import Foundation
import SlipwayTesting
import Testing

@testable import Store

/// Where a store is, as `--database` takes it; a password never comes on the command line.
@Suite struct StoreLocationTests {
    @Test func locationsAreParsedOrRefusedWithTheReason() throws {
        #expect(try StoreLocation(parsing: "/var/lib/slipway/server.sqlite") == .sqlite(path: "/var/lib/slipway/server.sqlite"))
        let postgres = try PostgresLocation(parsing: "postgres://slipway@db.internal:6432/ci?sslmode=verify-full&sslrootcert=/etc/ca.pem")
        #expect(
            postgres
                == PostgresLocation(
                    host: "db.internal", port: 6432, user: "slipway", database: "ci", tls: .verifyFull, rootCertificate: "/etc/ca.pem"))
        #expect(try PostgresLocation(parsing: "postgresql://u@h").database == "u", "the database defaults to the user's name")
        #expect(try PostgresLocation(parsing: "postgres://u@h/d").tls == .prefer)
        let refusals: [(String, String)] = [
            ("postgres://u:hunter2@h/d", "carries a password"),
            ("postgres://h/d", "expected a user"),
            ("postgres://u@h/d?sslmode=maybe", "sslmode must be one of"),
            ("postgres://u@h/d?options=x", "unknown parameter 'options'"),
            ("mysql://u@h/d", "expected a SQLite file's path or postgres://"),
        ]
        for (text, reason) in refusals {
            do {
                _ = try StoreLocation(parsing: text)
                Issue.record("\(text) was accepted")
            } catch {
                #expect("\(error)".contains(reason), "\(text): \(error)")
                #expect(!"\(error)".contains("hunter2"), "the password is not repeated")
            }
        }
    }

    @Test func thePasswordComesFromAFileOrTheEnvironment() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pw-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try "s3cret\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try StoreLocation.password(file: file, environment: ["SLIPWAY_DATABASE_PASSWORD": "other"]) == "s3cret")
        #expect(try StoreLocation.password(file: nil, environment: ["SLIPWAY_DATABASE_PASSWORD": "other"]) == "other")
        #expect(try StoreLocation.password(file: nil, environment: [:]) == nil)
        #expect(throws: StoreDatabaseError.self) { try StoreLocation.password(file: file + "-missing", environment: [:]) }
    }
}

extension StoreSuite {
    /// A wrong password is refused by the server, and said so without the password.
    @Test func aWrongPasswordIsRefusedWithoutRepeatingIt() async throws {
        guard let server = PostgresServerScope.server else {
            Issue.record("PostgreSQL 15 is not installed (scripts/setup installs Debian's postgresql-15): this test did not run")
            return
        }
        do {
            _ = try PostgresStoreDatabase(try PostgresLocation(parsing: server.url()), password: "wrong-password-123")
            Issue.record("a wrong password was accepted")
        } catch {
            #expect("\(error)".contains("password authentication failed"), "\(error)")
            #expect(!"\(error)".contains("wrong-password-123"))
        }
    }
}
