import CDispatch
import Core
import Foundation
import Glibc
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import OCI

/// `slipway registry serve`: the OCI Distribution API over `RegistryStorage` — pull, push (monolithic, streamed and
/// chunked uploads, with 416 for a chunk that does not start where the upload ends), cross-repository mount, tag
/// lists with `n`/`last` pagination, deletes, and digest validation that answers 400, never 500.
public struct RegistryServer: Sendable {
    public let storage: RegistryStorage
    /// An upload untouched this long is abandoned: its session ends and its partial data is removed.
    public var uploadExpiry: TimeInterval
    /// Who may pull and push; open by default (for a registry on loopback).
    public var access: RegistryAccess
    /// One request at a time per upload session.
    let uploads = KeyedLock<String>()

    public init(storage: RegistryStorage, uploadExpiry: TimeInterval = 3600, access: RegistryAccess = .open) {
        self.storage = storage
        self.uploadExpiry = uploadExpiry
        self.access = access
    }

    /// Serves on `host:port` until cancelled; `onReady` gets the bound port (useful with port 0).
    public func run(host: String, port: Int, onReady: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await service(host: host, port: port, onReady: onReady).runService()
    }

    /// The server as a service, for a caller that runs it in its own `ServiceGroup` (it stops on graceful shutdown).
    /// `logLevel`: the server's own messages below it are dropped (an embedding command may not want its shutdown noise).
    public func service(
        host: String, port: Int, logLevel: Logger.Level = .warning,
        onReady: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        var logger = Logger(label: "slipway.registry")
        logger.logLevel = logLevel
        return Application(
            router: router(), configuration: .init(address: .hostname(host, port: port), serverName: "slipway-registry"),
            onServerRunning: { channel in await onReady(channel.localAddress?.port ?? port) }, logger: logger)
    }

    /// The Distribution API's routes, for a host that mounts them (a server next to its own API, a test in process).
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        addRoutes(to: router)
        return router
    }

    /// Adds `/token` and `/v2/…` to a host's router (a server serving the registry beside its own API).
    public func addRoutes(to router: Router<BasicRequestContext>) {
        let handler = self
        router.on("/token", method: .get) { request, _ in handler.token(request) }
        for method in [HTTPRequest.Method.get, .head, .post, .put, .patch, .delete] {
            router.on("/v2", method: method) { request, _ in try await handler.handle(request, path: []) }
            router.on("/v2/**", method: method) { request, context in
                try await handler.handle(request, path: context.parameters.getCatchAll().map(String.init))
            }
        }
    }

    // MARK: Dispatch

    func handle(_ request: Request, path: [String]) async throws -> Response {
        var headers = HTTPFields()
        headers[.init("Docker-Distribution-API-Version")!] = "registry/2.0"
        // Access first, before anything about what exists is looked at.
        let (repository, action) = Self.target(of: request, path: path)
        guard let identity = access.identify(request.headers[.authorization]) else {
            return unauthorized(request, repository: repository, action: action, headers, message: "invalid credentials or token")
        }
        let base = path.isEmpty || path == [""]
        let allowed =
            base
            ? (access.anonymous == .everything || { if case .anonymous = identity { false } else { true } }())
            : access.allows(identity, action, repository: repository)
        guard allowed else {
            return unauthorized(request, repository: repository, action: action, headers, message: "authentication required")
        }
        if request.method == .post, path.last == "uploads" || path.last == "", let from = queryItems(request)["from"],
            !access.allows(identity, "pull", repository: from)
        {
            // A mount from a repository this client may not read is a plain upload (as distribution does).
            return try await startUpload(request, name: repository ?? "", mountAllowed: false, headers)
        }
        if base {
            return Response(
                status: .ok, headers: headers + [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
        }
        if path == ["_catalog"], request.method == .get {
            return json(["repositories": storage.repositories()], headers)
        }
        // <name>/blobs/uploads/[id], <name>/blobs/<digest>, <name>/manifests/<ref>, <name>/tags/list
        if path.count >= 3, path[path.count - 2] == "blobs", path[path.count - 1] == "uploads" || path.last == "" {
            return try await startUpload(request, name: path.dropLast(2).joined(separator: "/"), mountAllowed: true, headers)
        }
        if path.count >= 4, path[path.count - 3] == "blobs", path[path.count - 2] == "uploads" {
            return try await upload(request, name: path.dropLast(3).joined(separator: "/"), id: path[path.count - 1], headers)
        }
        if path.count >= 3, path[path.count - 2] == "blobs" {
            return try await blob(request, name: path.dropLast(2).joined(separator: "/"), reference: path[path.count - 1], headers)
        }
        if path.count >= 3, path[path.count - 2] == "manifests" {
            return try await manifest(request, name: path.dropLast(2).joined(separator: "/"), reference: path[path.count - 1], headers)
        }
        if path.count >= 3, path[path.count - 2] == "tags", path[path.count - 1] == "list", request.method == .get {
            return tagList(request, name: path.dropLast(2).joined(separator: "/"), headers)
        }
        return error(.notFound, "NAME_UNKNOWN", "no route for \(request.method) /v2/\(path.joined(separator: "/"))", headers)
    }

    // MARK: Blobs

    func blob(_ request: Request, name: String, reference: String, _ headers: HTTPFields) async throws -> Response {
        guard ImageReference.isValidRepository(name) else { return error(.badRequest, "NAME_INVALID", "invalid repository name", headers) }
        guard let digest = try? Digest(parsing: reference) else {
            return error(.badRequest, "DIGEST_INVALID", "invalid digest '\(reference)'", headers)
        }
        switch request.method {
        case .head, .get:
            guard storage.hasBlob(name, digest), let size = storage.size(storage.blobPath(digest)) else {
                return error(.notFound, "BLOB_UNKNOWN", "blob unknown to registry", headers)
            }
            var fields = headers
            fields[.contentLength] = String(size)
            fields[.contentType] = "application/octet-stream"
            fields[.init("Docker-Content-Digest")!] = digest.description
            if request.method == .head {
                return Response(status: .ok, headers: fields, body: ResponseBody(contentLength: Int(size)) { _ in })
            }
            return Response(
                status: .ok, headers: fields,
                body: ResponseBody(asyncSequence: FileChunks(path: storage.blobPath(digest), offset: 0, length: size)))
        case .delete:
            guard storage.hasBlob(name, digest) else { return error(.notFound, "BLOB_UNKNOWN", "blob unknown to registry", headers) }
            // A manifest still naming it would point at nothing: delete the manifest first.
            if let user = storage.manifests(of: name, referencing: digest).first {
                return error(.conflict, "DENIED", "blob \(digest) is referenced by manifest \(user); delete that manifest first", headers)
            }
            storage.deleteBlob(name, digest)
            return Response(status: .accepted, headers: headers)
        default:
            return error(.methodNotAllowed, "UNSUPPORTED", "\(request.method) is not supported on blobs", headers)
        }
    }

    func startUpload(_ request: Request, name: String, mountAllowed: Bool, _ headers: HTTPFields) async throws -> Response {
        guard request.method == .post else {
            return error(.methodNotAllowed, "UNSUPPORTED", "\(request.method) is not supported here", headers)
        }
        guard ImageReference.isValidRepository(name) else { return error(.badRequest, "NAME_INVALID", "invalid repository name", headers) }
        let query = queryItems(request)
        if mountAllowed, let mount = query["mount"] {
            guard let digest = try? Digest(parsing: mount) else {
                return error(.badRequest, "DIGEST_INVALID", "invalid digest '\(mount)'", headers)
            }
            if let from = query["from"], storage.hasBlob(from, digest) {
                try storage.link(name, digest)
                var fields = headers
                fields[.location] = "/v2/\(name)/blobs/\(digest)"
                fields[.init("Docker-Content-Digest")!] = digest.description
                return Response(status: .created, headers: fields)
            }
        }
        storage.expireUploads(olderThan: uploadExpiry)
        let id = UUID().uuidString.lowercased()
        guard FileManager.default.createFile(atPath: storage.uploadPath(id), contents: nil) else {
            return error(.internalServerError, "BLOB_UPLOAD_INVALID", "cannot start an upload in the registry's storage", headers)
        }
        // A single POST with the whole blob and its digest.
        if let digestText = query["digest"] {
            guard let digest = try? Digest(parsing: digestText) else {
                try? FileManager.default.removeItem(atPath: storage.uploadPath(id))
                return error(.badRequest, "DIGEST_INVALID", "invalid digest '\(digestText)'", headers)
            }
            _ = try await append(request, id: id)
            return try finish(id: id, name: name, digest: digest, headers)
        }
        return uploadStatus(name: name, id: id, status: .accepted, headers)
    }

    func upload(_ request: Request, name: String, id: String, _ headers: HTTPFields) async throws -> Response {
        guard id.range(of: "^[0-9a-f-]{36}$", options: .regularExpression) != nil else {
            return error(.notFound, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry", headers)
        }
        // One request at a time per session: concurrent chunks would interleave their bytes.
        return try await uploads.withLock(id) {
            try await uploadLocked(request, name: name, id: id, headers)
        }
    }

    func uploadLocked(_ request: Request, name: String, id: String, _ headers: HTTPFields) async throws -> Response {
        guard let modified = (try? FileManager.default.attributesOfItem(atPath: storage.uploadPath(id)))?[.modificationDate] as? Date
        else {
            return error(.notFound, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry", headers)
        }
        guard Date().timeIntervalSince(modified) <= uploadExpiry else {
            try? FileManager.default.removeItem(atPath: storage.uploadPath(id))
            return error(.notFound, "BLOB_UPLOAD_UNKNOWN", "blob upload expired", headers)
        }
        switch request.method {
        case .get:
            return uploadStatus(name: name, id: id, status: .noContent, headers)
        case .delete:
            try? FileManager.default.removeItem(atPath: storage.uploadPath(id))
            return Response(status: .noContent, headers: headers)
        case .patch:
            let current = storage.size(storage.uploadPath(id)) ?? 0
            func refuse(_ message: String) -> Response {
                var fields = headers
                fields[.location] = "/v2/\(name)/blobs/uploads/\(id)"
                fields[.range] = "0-\(max(current - 1, 0))"
                return Response(status: .rangeNotSatisfiable, headers: fields, body: errorBody("BLOB_UPLOAD_INVALID", message))
            }
            var expectedLength: Int64?
            if let range = request.headers[.init("Content-Range")!] {
                let parts = range.split(separator: "-").compactMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
                guard parts.count == 2, parts[0] == current, parts[1] >= parts[0] else {
                    return refuse("chunk must start at byte \(current)")
                }
                expectedLength = parts[1] - parts[0] + 1
            }
            let written = try await append(request, id: id)
            // A range that does not describe the body: take nothing of it.
            if let expectedLength, written != expectedLength {
                truncate(storage.uploadPath(id), off_t(current))
                return refuse("Content-Range announces \(expectedLength) bytes but the body has \(written)")
            }
            return uploadStatus(name: name, id: id, status: .accepted, headers)
        case .put:
            guard let digestText = queryItems(request)["digest"] else {
                return error(.badRequest, "DIGEST_INVALID", "the digest parameter is required to finish an upload", headers)
            }
            guard let digest = try? Digest(parsing: digestText) else {
                return error(.badRequest, "DIGEST_INVALID", "invalid digest '\(digestText)'", headers)
            }
            if let range = request.headers[.init("Content-Range")!] {
                let current = storage.size(storage.uploadPath(id)) ?? 0
                if let start = range.split(separator: "-").first.flatMap({ Int64($0) }), start != current {
                    return Response(
                        status: .rangeNotSatisfiable, headers: headers,
                        body: errorBody("BLOB_UPLOAD_INVALID", "chunk must start at byte \(current)"))
                }
            }
            _ = try await append(request, id: id)
            return try finish(id: id, name: name, digest: digest, headers)
        default:
            return error(.methodNotAllowed, "UNSUPPORTED", "\(request.method) is not supported on uploads", headers)
        }
    }

    /// Appends the request body to the upload, streaming.
    func append(_ request: Request, id: String) async throws -> Int64 {
        guard let handle = FileHandle(forWritingAtPath: storage.uploadPath(id)) else {
            throw ImageError.io(storage.uploadPath(id), "cannot open the upload")
        }
        defer { try? handle.close() }
        try handle.seekToEnd()
        var written: Int64 = 0
        for try await buffer in request.body {
            try buffer.withUnsafeReadableBytes { try handle.write(contentsOf: $0) }
            written += Int64(buffer.readableBytes)
        }
        return written
    }

    func finish(id: String, name: String, digest: Digest, _ headers: HTTPFields) throws -> Response {
        let path = storage.uploadPath(id)
        // Only sha256 is computed here; other algorithms never match and are refused as invalid.
        guard digest.algorithm == "sha256", Digest.sha256(ofFile: path) == digest else {
            try? FileManager.default.removeItem(atPath: path)
            return error(.badRequest, "DIGEST_INVALID", "provided digest did not match uploaded content", headers)
        }
        try storage.commitUpload(id, digest: digest, repository: name)
        var fields = headers
        fields[.location] = "/v2/\(name)/blobs/\(digest)"
        fields[.init("Docker-Content-Digest")!] = digest.description
        return Response(status: .created, headers: fields)
    }

    func uploadStatus(name: String, id: String, status: HTTPResponse.Status, _ headers: HTTPFields) -> Response {
        let size = storage.size(storage.uploadPath(id)) ?? 0
        var fields = headers
        fields[.location] = "/v2/\(name)/blobs/uploads/\(id)"
        fields[.range] = "0-\(max(size - 1, 0))"
        fields[.init("Docker-Upload-UUID")!] = id
        fields[.contentLength] = "0"
        return Response(status: status, headers: fields)
    }

    // MARK: Manifests

    func manifest(_ request: Request, name: String, reference: String, _ headers: HTTPFields) async throws -> Response {
        guard ImageReference.isValidRepository(name) else { return error(.badRequest, "NAME_INVALID", "invalid repository name", headers) }
        let isDigest = reference.contains(":")
        if isDigest, (try? Digest(parsing: reference)) == nil {
            return error(.badRequest, "DIGEST_INVALID", "invalid digest '\(reference)'", headers)
        }
        if !isDigest, !ImageReference.isValidTag(reference) {
            return error(.badRequest, "TAG_INVALID", "invalid tag '\(reference)'", headers)
        }
        switch request.method {
        case .get, .head:
            guard let (digest, mediaType) = storage.manifest(name, reference),
                let data = FileManager.default.contents(atPath: storage.blobPath(digest))
            else {
                return error(.notFound, "MANIFEST_UNKNOWN", "manifest unknown", headers)
            }
            var fields = headers
            fields[.contentType] = mediaType
            fields[.contentLength] = String(data.count)
            fields[.init("Docker-Content-Digest")!] = digest.description
            if request.method == .head {
                return Response(status: .ok, headers: fields, body: ResponseBody(contentLength: data.count) { _ in })
            }
            return Response(status: .ok, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
        case .put:
            var body = ByteBuffer()
            for try await chunk in request.body {
                var chunk = chunk
                body.writeBuffer(&chunk)
                guard body.readableBytes <= 4 << 20 else {
                    return error(.contentTooLarge, "SIZE_INVALID", "manifest larger than 4 MiB", headers)
                }
            }
            let data = Data(body.readableBytesView)
            let checked: ManifestValidator.Checked
            do { checked = try ManifestValidator.validate(data, contentType: request.headers[.contentType]) } catch let problem {
                return error(.badRequest, "MANIFEST_INVALID", "manifest invalid: \(problem)", headers)
            }
            if let expected = try? Digest(parsing: reference), expected != Digest.sha256(of: data), expected.algorithm == "sha256" {
                return error(.badRequest, "DIGEST_INVALID", "manifest digest does not match the reference", headers)
            }
            // Every blob and child manifest it names must already be in this repository (its subject may come later).
            for digest in checked.references where !storage.hasBlob(name, digest) {
                return error(.badRequest, "MANIFEST_BLOB_UNKNOWN", "blob \(digest) unknown to registry", headers)
            }
            let digest = try storage.storeManifest(name, data: data, mediaType: checked.mediaType, reference: reference)
            var fields = headers
            fields[.location] = "/v2/\(name)/manifests/\(digest)"
            fields[.init("Docker-Content-Digest")!] = digest.description
            return Response(status: .created, headers: fields)
        case .delete:
            guard storage.deleteManifest(name, reference) else { return error(.notFound, "MANIFEST_UNKNOWN", "manifest unknown", headers) }
            return Response(status: .accepted, headers: headers)
        default:
            return error(.methodNotAllowed, "UNSUPPORTED", "\(request.method) is not supported on manifests", headers)
        }
    }

    func tagList(_ request: Request, name: String, _ headers: HTTPFields) -> Response {
        guard var tags = storage.tags(name) else {
            return error(.notFound, "NAME_UNKNOWN", "repository name not known to registry", headers)
        }
        let query = queryItems(request)
        if let last = query["last"] { tags = tags.filter { $0 > last } }
        var fields = headers
        if let n = query["n"].flatMap(Int.init), n >= 0, tags.count > n {
            tags = Array(tags.prefix(n))
            if let final = tags.last { fields[.init("Link")!] = "</v2/\(name)/tags/list?n=\(n)&last=\(final)>; rel=\"next\"" }
        }
        return json(["name": name, "tags": tags], fields)
    }

    // MARK: Access

    /// The repository a request is about (nil for the base and the catalog) and the action it takes.
    static func target(of request: Request, path: [String]) -> (repository: String?, action: String) {
        let action: String =
            switch request.method {
            case .get, .head: "pull"
            case .delete: "delete"
            default: "push"
            }
        for marker in ["blobs", "manifests", "tags"] {
            if let index = path.lastIndex(of: marker), index > 0 { return (path[..<index].joined(separator: "/"), action) }
        }
        return (nil, action)
    }

    /// 401 with the challenge clients answer: a bearer token from this registry's `/token` for the scope needed.
    func unauthorized(_ request: Request, repository: String?, action: String, _ headers: HTTPFields, message: String) -> Response {
        var fields = headers
        let host = request.head.authority ?? "localhost"
        var challenge = "Bearer realm=\"http://\(host)/token\",service=\"slipway-registry\""
        if let repository {
            challenge += ",scope=\"repository:\(repository):\(action == "pull" ? "pull" : "pull,push")\""
        } else if request.head.path?.contains("_catalog") == true {
            challenge += ",scope=\"registry:catalog:*\""
        }
        fields[.wwwAuthenticate] = challenge
        return error(.unauthorized, "UNAUTHORIZED", message, fields)
    }

    /// `GET /token?service=…&scope=…`: a token for what the signed-in user (or anyone, where anonymous access allows
    /// it) may do of what the scopes ask.
    func token(_ request: Request) -> Response {
        var headers = HTTPFields()
        guard let identity = access.identify(request.headers[.authorization]) else {
            headers[.wwwAuthenticate] = "Basic realm=\"slipway-registry\""
            return error(.unauthorized, "UNAUTHORIZED", "invalid credentials", headers)
        }
        let subject: String
        switch identity {
        case .user(let name), .member(let name, _): subject = name
        case .anonymous:
            guard access.anonymous != .none else {
                headers[.wwwAuthenticate] = "Basic realm=\"slipway-registry\""
                return error(.unauthorized, "UNAUTHORIZED", "authentication required", headers)
            }
            subject = ""
        case .token:
            return error(.unauthorized, "UNAUTHORIZED", "sign in with a user name and password to get a token", headers)
        }
        let scopes =
            (URLComponents(string: "http://x" + (request.head.path ?? ""))?.queryItems ?? []).filter { $0.name == "scope" }
            .compactMap(\.value).flatMap { $0.split(separator: " ").map(String.init) }
        let token = access.issue(subject: subject, grants: access.grants(for: scopes, identity: identity))
        return json(
            [
                "token": token, "access_token": token, "expires_in": Int(access.tokenLifetime),
                "issued_at": ISO8601DateFormatter().string(from: Date()),
            ], headers)
    }

    // MARK: Helpers

    func queryItems(_ request: Request) -> [String: String] {
        var result: [String: String] = [:]
        for item in URLComponents(string: "http://x" + (request.head.path ?? ""))?.queryItems ?? [] { result[item.name] = item.value ?? "" }
        return result
    }

    func json(_ object: [String: Any], _ headers: HTTPFields) -> Response {
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: .ok, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    func errorBody(_ code: String, _ message: String) -> ResponseBody {
        let object: [String: Any] = ["errors": [["code": code, "message": message, "detail": NSNull()]]]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return .init(byteBuffer: ByteBuffer(bytes: data))
    }

    func error(_ status: HTTPResponse.Status, _ code: String, _ message: String, _ headers: HTTPFields) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: errorBody(code, message))
    }
}
