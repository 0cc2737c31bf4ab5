import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Store

@testable import Server

/// A server's parts over a scratch data directory, for in-process router tests (no worker runs: events stay queued).
struct ServerHarness {
    let directory: String
    let server: SlipwayServer
    let parts: SlipwayServer.Parts
    let adminToken: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-server-\(UUID().uuidString.prefix(8))").path
        server = SlipwayServer(dataDirectory: directory)
        parts = try server.prepare()
        adminToken = try String(contentsOfFile: server.adminTokenPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    var store: ServerStore { parts.api.store }

    func application() -> some ApplicationProtocol { Application(router: parts.api.router()) }

    /// The database's files as text (the main file and its write-ahead log), to look for what must not be there.
    func databaseBytes() -> String {
        ["", "-wal"].map { FileManager.default.contents(atPath: directory + "/server.sqlite" + $0) ?? Data() }
            .map { String(decoding: $0, as: UTF8.self) }.joined()
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    static func bearer(_ token: String) -> HTTPFields {
        var fields = HTTPFields()
        fields[.authorization] = "Bearer \(token)"
        fields[.contentType] = "application/json"
        return fields
    }

    /// GitHub's headers for a delivery of `body` signed with `secret`.
    static func github(_ event: String, delivery: String, body: String, secret: String) -> HTTPFields {
        var fields = HTTPFields()
        fields[HTTPField.Name("X-GitHub-Event")!] = event
        fields[HTTPField.Name("X-GitHub-Delivery")!] = delivery
        fields[HTTPField.Name("X-Hub-Signature-256")!] = "sha256=" + hmac(body, secret)
        fields[.contentType] = "application/json"
        return fields
    }

    static func hmac(_ body: String, _ secret: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: SymmetricKey(data: Data(secret.utf8))).map {
            String(format: "%02x", $0)
        }
        .joined()
    }

    /// A push payload for `repository` at `sha`.
    static func push(repository: String, ref: String = "refs/heads/main", sha: String) -> String {
        #"{"ref":"\#(ref)","before":"\#(String(repeating: "0", count: 40))","after":"\#(sha)","repository":{"full_name":"team/app","clone_url":"\#(repository)"},"commits":[]}"#
    }

    static func json(_ buffer: ByteBuffer) -> Any? { try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) }
}
