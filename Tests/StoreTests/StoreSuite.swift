import Foundation
import SlipwayTesting
import Testing

@testable import Store

/// The store's API, the same on SQLite and PostgreSQL: every test runs once per backend.
@Suite(.postgresServer, .timeLimit(.minutes(5))) struct StoreSuite {}
