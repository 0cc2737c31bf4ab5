import Foundation
import SlipwayTesting
import Testing

@testable import Store

/// The two databases the Store suite runs on.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }
}

/// One PostgreSQL 15 server for the Store suite (started before its first test, stopped by PID after its last); each
/// test gets a database of its own on it, or a SQLite file of its own.
struct PostgresServerScope: SuiteTrait, TestScoping {
    @TaskLocal static var server: PostgresServer?

    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        guard PostgresServer.isInstalled else {
            try await function()
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-pg-\(UUID().uuidString.prefix(8))").path
        let server = try await PostgresServer.start(in: directory)
        do {
            try await Self.$server.withValue(server) { try await function() }
        } catch {
            await server.stop()
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        await server.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

extension Trait where Self == PostgresServerScope {
    static var postgresServer: Self { PostgresServerScope() }
}

/// A fresh, migrated database of `backend`; closed and removed after `body`.
func withDatabase<T>(_ backend: Backend, _ body: (any SQLDatabase) async throws -> T) async throws -> T? {
    switch backend {
    case .sqlite:
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-store-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try await body(try SQLiteStoreDatabase(path: directory + "/store.sqlite"))
    case .postgres:
        guard let server = PostgresServerScope.server else {
            Issue.record("PostgreSQL 15 is not installed (scripts/setup installs Debian's postgresql-15): the PostgreSQL case did not run")
            return nil
        }
        let name = "store_\(UUID().uuidString.filter(\.isHexDigit).prefix(12).lowercased())"
        try await server.createDatabase(name)
        let database = try PostgresStoreDatabase(try PostgresLocation(parsing: server.url(database: name)), password: server.password)
        defer { database.close() }
        return try await body(database)
    }
}

/// A second handle on the same database, as a second replica has.
func secondHandle(on database: any SQLDatabase) throws -> any SQLDatabase {
    switch database {
    case let sqlite as SQLiteStoreDatabase: try SQLiteStoreDatabase(path: sqlite.path)
    case let postgres as PostgresStoreDatabase: try PostgresStoreDatabase(postgres.location, password: PostgresServerScope.server?.password)
    default: database
    }
}
