import Core
import Foundation
import Hummingbird
import Images
import OCI

/// A Docker token service for distribution's `auth: token` mode: RS256 JWTs signed with `openssl`, `ci:ci-secret`
/// gets what it asks for, anonymous callers may only pull. Runs in process on 127.0.0.1.
struct TokenServer {
    let directory: String
    let keyID: String
    let port: Int
    let task: Task<Void, any Error>

    static func start(in directory: String) async throws -> TokenServer {
        let key = "\(directory)/token.key"
        let certificate = "\(directory)/token.crt"
        let made = try await ImageFixtures.command(
            "openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate,
                "-days", "3650", "-subj", "/CN=local-token-issuer",
            ])
        guard made.succeeded else { throw ImageError.unsupported("openssl: \(made.standardError)") }
        // libtrust key ID: sha256 of the DER public key, first 240 bits, base32, in groups of four.
        let der = try await ImageFixtures.command(
            "/bin/sh", ["-c", "openssl x509 -in \(certificate) -pubkey -noout | openssl pkey -pubin -outform DER | sha256sum | cut -c1-60"])
        let bytes = stride(from: 0, to: 60, by: 2).compactMap { offset -> UInt8? in
            let text = der.standardOutput
            let start = text.index(text.startIndex, offsetBy: offset)
            return UInt8(text[start..<text.index(start, offsetBy: 2)], radix: 16)
        }
        let encoded = base32(bytes)
        let keyID = stride(from: 0, to: encoded.count, by: 4).map { offset -> String in
            let start = encoded.index(encoded.startIndex, offsetBy: offset)
            return String(encoded[start..<encoded.index(start, offsetBy: 4)])
        }.joined(separator: ":")
        let router = Router()
        router.get("/token") { request, _ -> Response in
            let query = URLComponents(string: "http://x" + (request.head.path ?? ""))?.queryItems ?? []
            let authorized = request.headers[.authorization] == "Basic " + Data("ci:ci-secret".utf8).base64EncodedString()
            var access: [[String: Any]] = []
            for item in query where item.name == "scope" {
                let parts = (item.value ?? "").split(separator: ":")
                guard parts.count == 3 else { continue }
                let actions = parts[2].split(separator: ",").map(String.init).filter { authorized || $0 == "pull" }
                access.append(["type": String(parts[0]), "name": String(parts[1]), "actions": actions])
            }
            let now = Int(Date().timeIntervalSince1970)
            let claims: [String: Any] = [
                "iss": "local-token-issuer", "sub": authorized ? "ci" : "", "aud": query.first { $0.name == "service" }?.value ?? "",
                "exp": now + 300, "nbf": now - 10, "iat": now, "jti": UUID().uuidString, "access": access,
            ]
            let header: [String: Any] = ["typ": "JWT", "alg": "RS256", "kid": keyID]
            func segment(_ object: [String: Any]) throws -> String {
                base64URL(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
            }
            let signingInput = try segment(header) + "." + segment(claims)
            let inputFile = "\(directory)/input-\(UUID().uuidString)"
            try signingInput.write(toFile: inputFile, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: inputFile) }
            let signature = try await ImageFixtures.command(
                "/bin/sh", ["-c", "openssl dgst -sha256 -sign \(key) \(inputFile) | base64 -w0"])
            let token = signingInput + "." + base64URL(Data(base64Encoded: signature.standardOutput) ?? Data())
            let body = try JSONSerialization.data(withJSONObject: ["token": token, "expires_in": 300])
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        // Port 0: the server says which port it got once it listens.
        let (ports, sink) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in sink.yield(channel.localAddress?.port ?? 0) })
        let task = Task {
            defer { sink.finish() }
            try await app.runService()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            task.cancel()
            throw ImageError.unsupported("the token server did not start")
        }
        return TokenServer(directory: directory, keyID: keyID, port: port, task: task)
    }

    var realm: String { "http://127.0.0.1:\(port)/token" }

    func stop() { task.cancel() }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(
            of: "=", with: "")
    }

    static func base32(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var output = ""
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return output
    }
}
