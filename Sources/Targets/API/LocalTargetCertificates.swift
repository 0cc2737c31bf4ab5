import Core
import Foundation
import TargetKit

/// The local target's own certificate authority and the server certificate it signs for 127.0.0.1 and localhost,
/// with the bearer token its TLS port asks for, made once (openssl, random bytes) under `<data>/tls` (owner only) and
/// kept: kubeconfigs written earlier stay valid.
public struct LocalTargetCertificates: Sendable, Hashable {
    public let authority: String
    public let certificate: String
    public let key: String
    public let tokenFile: String

    init(directory: String) {
        authority = "\(directory)/ca.pem"
        certificate = "\(directory)/server.pem"
        key = "\(directory)/server-key.pem"
        tokenFile = "\(directory)/token"
    }

    /// The token, once `ensure` has made it.
    public var token: String? {
        (try? String(contentsOfFile: tokenFile, encoding: .utf8)).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    public static func at(dataDirectory: String) -> LocalTargetCertificates { LocalTargetCertificates(directory: "\(dataDirectory)/tls") }

    /// The certificates under `dataDirectory`, made first when missing.
    public static func ensure(dataDirectory: String) async throws -> LocalTargetCertificates {
        let directory = "\(dataDirectory)/tls"
        let certificates = LocalTargetCertificates(directory: directory)
        let files = [certificates.authority, certificates.certificate, certificates.key, certificates.tokenFile]
        if files.allSatisfy({ FileManager.default.fileExists(atPath: $0) }) { return certificates }
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        // Made in a scratch directory and moved in whole, so a crash half-way leaves nothing that looks complete.
        let scratch = "\(directory)/.new-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let steps: [[String]] = [
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "\(scratch)/ca-key.pem",
                "-out", "\(scratch)/ca.pem", "-days", "3650", "-subj", "/CN=slipway-local-ca",
            ],
            [
                "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "\(scratch)/server-key.pem",
                "-out", "\(scratch)/server.csr", "-subj", "/CN=slipway-local", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            ],
            [
                "x509", "-req", "-in", "\(scratch)/server.csr", "-CA", "\(scratch)/ca.pem", "-CAkey", "\(scratch)/ca-key.pem",
                "-CAcreateserial", "-out", "\(scratch)/server.pem", "-days", "825", "-copy_extensions", "copy",
            ],
        ]
        for step in steps {
            let result = try await CapturedCommand.run("openssl", step, timeout: .seconds(60))
            guard result.succeeded else {
                throw TargetError.invalid("openssl \(step[0]) failed while making the local target's certificates: \(result.standardError)")
            }
        }
        var random = SystemRandomNumberGenerator()
        let token = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &random)) }.joined()
        try AtomicFile.write(Data(token.utf8), to: "\(scratch)/token", permissions: 0o600)
        for name in ["ca.pem", "server.pem", "server-key.pem", "token"] {
            let target = "\(directory)/\(name)"
            try? FileManager.default.removeItem(atPath: target)
            try FileManager.default.moveItem(atPath: "\(scratch)/\(name)", toPath: target)
        }
        return certificates
    }
}
