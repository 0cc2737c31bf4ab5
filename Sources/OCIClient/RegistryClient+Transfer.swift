import AsyncHTTPClient
import CDispatch
import Foundation
import Glibc
import NIOCore
import NIOHTTP1
import OCI

extension RegistryClient {
    // MARK: Push

    /// Pushes the image named `reference` in `store` (blobs first, the manifest last); returns the manifest digest
    /// the registry confirmed.
    public func push(_ reference: ImageReference, from store: ImageStore, as target: ImageReference? = nil) async throws -> Digest {
        guard let descriptor = try store.resolve(reference) else {
            throw ImageError.notFound("image \(reference.familiar) in the local store")
        }
        let destination = target ?? reference
        let data = try store.readBlob(descriptor.digest)
        if MediaType.isIndex(descriptor.mediaType) {
            let index = try CanonicalJSON.decode(ImageIndex.self, from: data, what: "index")
            for child in index.manifests {
                try await pushManifestAndBlobs(
                    child, data: try store.readBlob(child.digest), to: destination, reference: child.digest.description, store: store)
            }
        } else {
            let manifest = try CanonicalJSON.decode(ImageManifest.self, from: data, what: "manifest")
            try await transferBlobs([manifest.config] + manifest.layers) { blob in
                try await self.pushBlob(blob, to: destination, store: store)
            }
        }
        let digest = try await putManifest(
            data, mediaType: descriptor.mediaType, to: destination, reference: destination.tag ?? descriptor.digest.description)
        await locations?.save()
        return digest
    }

    private func pushManifestAndBlobs(
        _ descriptor: Descriptor, data: Data, to destination: ImageReference, reference: String, store: ImageStore
    ) async throws {
        let manifest = try CanonicalJSON.decode(ImageManifest.self, from: data, what: "manifest")
        try await transferBlobs([manifest.config] + manifest.layers) { blob in try await self.pushBlob(blob, to: destination, store: store)
        }
        _ = try await putManifest(data, mediaType: descriptor.mediaType, to: destination, reference: reference)
    }

    /// Runs `transfer` for every blob, `parallelTransfers` at a time.
    func transferBlobs(_ blobs: [Descriptor], _ transfer: @escaping @Sendable (Descriptor) async throws -> Void) async throws {
        var unique: [Descriptor] = []
        for blob in blobs where !unique.contains(where: { $0.digest == blob.digest }) { unique.append(blob) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            let limit = max(1, configuration.parallelTransfers)
            while next < min(limit, unique.count) {
                let blob = unique[next]
                group.addTask { try await transfer(blob) }
                next += 1
            }
            while try await group.next() != nil {
                if next < unique.count {
                    let blob = unique[next]
                    group.addTask { try await transfer(blob) }
                    next += 1
                }
            }
        }
    }

    func pushBlob(_ blob: Descriptor, to destination: ImageReference, store: ImageStore) async throws {
        let registry = destination.registry
        let repository = destination.repository
        let root = base(registry)
        let scopes = [RegistryClient.scope(repository, "pull,push")]
        let head = try await send(.HEAD, "\(root)/v2/\(repository)/blobs/\(blob.digest)", registry: registry, scopes: scopes)
        if head.status == 200 {
            await locations?.record(blob.digest, registry: registry, repository: repository)
            return
        }
        let path = store.blobPath(blob.digest)
        guard let size = store.blobSize(blob.digest) else { throw ImageError.notFound("blob \(blob.digest) in the local store") }
        var location: String?
        // Mount from a repository of the same registry that has the blob.
        for source in await locations?.repositories(of: blob.digest, in: registry) ?? [] where source != repository {
            let mountScopes = scopes + [RegistryClient.scope(source, "pull")]
            let mount = try await send(
                .POST, "\(root)/v2/\(repository)/blobs/uploads/?mount=\(blob.digest)&from=\(source)", registry: registry,
                scopes: mountScopes)
            if mount.status == 201 {
                await locations?.record(blob.digest, registry: registry, repository: repository)
                return
            }
            if mount.status == 202 { location = mount.header("Location") }
            break
        }
        var attempt = 0
        while true {
            do {
                if location == nil {
                    let start = try await send(.POST, "\(root)/v2/\(repository)/blobs/uploads/", registry: registry, scopes: scopes)
                    guard start.status == 202, let started = start.header("Location") else {
                        throw await failure(start, "POST /v2/\(repository)/blobs/uploads/")
                    }
                    location = started
                }
                var current = absolute(location ?? "", root: root)
                if size > configuration.chunkThreshold {
                    var offset: Int64 = 0
                    while offset < size {
                        let length = min(configuration.chunkSize, size - offset)
                        let patch = try await send(
                            .PATCH, current, registry: registry, scopes: scopes,
                            headers: [
                                ("Content-Type", "application/octet-stream"), ("Content-Range", "\(offset)-\(offset + length - 1)"),
                            ], body: .file(path: path, offset: offset, length: length), retryable: false)
                        guard patch.status == 202, let next = patch.header("Location") else {
                            throw await failure(patch, "PATCH \(repository) blob \(blob.digest.short)")
                        }
                        current = absolute(next, root: root)
                        offset += length
                    }
                    let put = try await send(
                        .PUT, appendDigest(current, blob.digest), registry: registry, scopes: scopes,
                        headers: [("Content-Type", "application/octet-stream")], body: .none, retryable: false)
                    try await checkCreated(put, blob.digest, "PUT \(repository) blob \(blob.digest.short)")
                } else {
                    let put = try await send(
                        .PUT, appendDigest(current, blob.digest), registry: registry, scopes: scopes,
                        headers: [("Content-Type", "application/octet-stream")], body: .file(path: path, offset: 0, length: size),
                        retryable: false)
                    try await checkCreated(put, blob.digest, "PUT \(repository) blob \(blob.digest.short)")
                }
                await locations?.record(blob.digest, registry: registry, repository: repository)
                return
            } catch let error as ImageError {
                // An upload that broke off starts again from a new session; registry refusals are final.
                if case .registry(let status, _, _, _) = error, status < 500 { throw error }
                attempt += 1
                location = nil
                guard attempt <= configuration.retries else { throw error }
                try await Task.sleep(for: .milliseconds(250 << attempt))
            }
        }
    }

    private func checkCreated(_ response: Response, _ digest: Digest, _ request: String) async throws {
        guard response.status == 201 else { throw await failure(response, request) }
        _ = try? await response.body?.collect(upTo: 1 << 20)
        if let reported = response.header("Docker-Content-Digest"), reported != digest.description, reported.hasPrefix(digest.algorithm) {
            throw ImageError.digestMismatch(expected: digest.description, actual: reported, what: "uploaded blob")
        }
    }

    func putManifest(_ data: Data, mediaType: String, to destination: ImageReference, reference: String) async throws -> Digest {
        let root = base(destination.registry)
        let url = "\(root)/v2/\(destination.repository)/manifests/\(reference)"
        let response = try await send(
            .PUT, url, registry: destination.registry, scopes: [RegistryClient.scope(destination.repository, "pull,push")],
            headers: [("Content-Type", mediaType)], body: .data(data))
        guard response.status == 201 else { throw await failure(response, "PUT \(destination.repository) manifest \(reference)") }
        _ = try? await response.body?.collect(upTo: 1 << 20)
        let local = Digest.sha256(of: data)
        if let reported = response.header("Docker-Content-Digest"), reported != local.description {
            throw ImageError.digestMismatch(expected: local.description, actual: reported, what: "manifest \(destination.familiar)")
        }
        return local
    }

    func absolute(_ location: String, root: String) -> String {
        location.hasPrefix("http://") || location.hasPrefix("https://") ? location : root + (location.hasPrefix("/") ? "" : "/") + location
    }

    func appendDigest(_ location: String, _ digest: Digest) -> String {
        location + (location.contains("?") ? "&" : "?") + "digest=" + digest.description.replacingOccurrences(of: ":", with: "%3A")
    }

    // MARK: Pull

    /// Fetches a manifest (`Accept` lists every manifest type); returns its bytes, media type and digest.
    public func manifest(_ reference: ImageReference) async throws -> (data: Data, mediaType: String, digest: Digest) {
        let root = base(reference.registry)
        let response = try await send(
            .GET, "\(root)/v2/\(reference.repository)/manifests/\(reference.reference)", registry: reference.registry,
            scopes: [RegistryClient.scope(reference.repository, "pull")], headers: [("Accept", MediaType.manifestAccept)])
        guard response.status == 200 else { throw await failure(response, "GET \(reference.familiar) manifest") }
        let data = Data.fromBuffer(try await response.body?.collect(upTo: 8 << 20) ?? ByteBuffer())
        let digest = Digest.sha256(of: data)
        if let expected = reference.digest, expected != digest, expected.algorithm == "sha256" {
            throw ImageError.digestMismatch(
                expected: expected.description, actual: digest.description, what: "manifest \(reference.familiar)")
        }
        let type =
            (try? JSONDecoder().decode(ImageStore.MediaTypeProbe.self, from: data))?.mediaType
            ?? response.header("Content-Type") ?? MediaType.ociManifest
        return (data, type, digest)
    }

    /// Pulls `reference` into `store` (from its mirror first, when one is configured) and names it there.
    @discardableResult
    public func pull(_ reference: ImageReference, into store: ImageStore) async throws -> Descriptor {
        if let mirror = configuration.mirrors[reference.registry] {
            let mirrored = ImageReference(registry: mirror, repository: reference.repository, tag: reference.tag, digest: reference.digest)
            if let descriptor = try? await pullDirect(mirrored, into: store, name: reference) { return descriptor }
        }
        return try await pullDirect(reference, into: store, name: reference)
    }

    func pullDirect(_ reference: ImageReference, into store: ImageStore, name: ImageReference) async throws -> Descriptor {
        var (data, mediaType, digest) = try await manifest(reference)
        if MediaType.isIndex(mediaType) {
            let index = try CanonicalJSON.decode(ImageIndex.self, from: data, what: "index of \(reference.familiar)")
            let platform = Platform.current
            guard let match = index.manifest(for: platform) else {
                throw ImageError.notFound("a \(platform.os)/\(platform.architecture) manifest in \(reference.familiar)")
            }
            (data, mediaType, digest) = try await manifest(
                ImageReference(registry: reference.registry, repository: reference.repository, digest: match.digest))
        }
        let manifest = try CanonicalJSON.decode(ImageManifest.self, from: data, what: "manifest of \(reference.familiar)")
        try await transferBlobs([manifest.config] + manifest.layers) { blob in
            if store.hasBlob(blob.digest) { return }
            try await self.pullBlob(blob, from: reference, into: store)
        }
        let descriptor = try store.writeBlob(data, mediaType: mediaType, expected: digest)
        try store.tag(name, descriptor)
        return descriptor
    }

    /// Downloads a blob into the store. A download that breaks off resumes where it stopped (`Range`, when the
    /// registry answers 206) or starts again, up to `retries` times; the blob only enters the store whole and verified.
    func pullBlob(_ blob: Descriptor, from reference: ImageReference, into store: ImageStore) async throws {
        let writer = try store.blobWriter()
        var failures = 0
        while true {
            do {
                // A stream that broke after its last byte has nothing left to fetch (a Range from the end would get 416).
                if writer.count < blob.size {
                    try await downloadBlob(blob, from: reference, into: writer, resumeAt: writer.count)
                }
                try writer.commit(expected: blob.digest)
                return
            } catch is CancellationError {
                writer.abandon()
                throw CancellationError()
            } catch {
                // A broken body stream surfaces as the HTTP client's own error: a transport failure like any other.
                let failure = error as? ImageError ?? .transport("GET blob \(blob.digest.short) of \(reference.familiar)", "\(error)")
                failures += 1
                guard failure.isTransient, failures <= configuration.retries else {
                    writer.abandon()
                    throw failure
                }
                try await Task.sleep(for: .milliseconds(250 << failures))
            }
        }
    }

    /// One GET of a blob, appended to `writer`; with `resumeAt` > 0 it asks for the rest only, and starts over when
    /// the registry sends the whole blob anyway.
    private func downloadBlob(_ blob: Descriptor, from reference: ImageReference, into writer: BlobWriter, resumeAt offset: Int64)
        async throws
    {
        let root = base(reference.registry)
        var url = "\(root)/v2/\(reference.repository)/blobs/\(blob.digest)"
        var sameHost = true
        let range: [(String, String)] = offset > 0 ? [("Range", "bytes=\(offset)-")] : []
        for _ in 0..<5 {
            let response =
                sameHost
                ? try await send(
                    .GET, url, registry: reference.registry, scopes: [RegistryClient.scope(reference.repository, "pull")], headers: range)
                : try await raw(.GET, url, headers: range, body: .none)  // never forward credentials to another host
            if [301, 302, 303, 307, 308].contains(response.status), let location = response.header("Location") {
                let next = absolute(location, root: root)
                sameHost = URL(string: next)?.host == URL(string: root)?.host
                url = next
                continue
            }
            if offset > 0, response.status == 200 {
                // The registry ignored the range: the whole blob follows, so the bytes so far are dropped.
                try writer.restart()
            } else if !(response.status == 200 || (offset > 0 && response.status == 206)) {
                throw await failure(response, "GET blob \(blob.digest.short) of \(reference.familiar)")
            }
            guard let body = response.body else { throw ImageError.transport("GET blob \(blob.digest.short)", "no body") }
            for try await chunk in body {
                try chunk.withUnsafeReadableBytes { try writer.write($0) }
            }
            return
        }
        throw ImageError.transport("GET blob \(blob.digest.short)", "too many redirects")
    }

    // MARK: Tags

    /// The repository's tags, sorted (registries may answer unsorted); follows `Link` pages.
    public func tags(_ reference: ImageReference) async throws -> [String] {
        let root = base(reference.registry)
        var url: String? = "\(root)/v2/\(reference.repository)/tags/list"
        var tags: [String] = []
        while let current = url {
            let response = try await send(
                .GET, current, registry: reference.registry, scopes: [RegistryClient.scope(reference.repository, "pull")])
            guard response.status == 200 else { throw await failure(response, "GET \(reference.repository) tags") }
            let data = Data.fromBuffer(try await response.body?.collect(upTo: 16 << 20) ?? ByteBuffer())
            struct TagList: Decodable { var tags: [String]? }
            tags += try CanonicalJSON.decode(TagList.self, from: data, what: "tag list").tags ?? []
            url = nil
            if let link = response.header("Link"), let open = link.firstIndex(of: "<"), let close = link.firstIndex(of: ">"),
                link.contains("rel=\"next\"")
            {
                url = absolute(String(link[link.index(after: open)..<close]), root: root)
            }
        }
        return tags.sorted()
    }
}

extension RegistryClient {
    /// Probes `/v2/` with the configured credentials (answering a Basic or Bearer challenge); throws when refused.
    public func checkLogin(_ registry: String) async throws {
        let response = try await send(.GET, "\(base(registry))/v2/", registry: registry, scopes: [])
        guard response.status == 200 else {
            throw ImageError.unauthorized("\(registry) answered HTTP \(response.status) to the login check")
        }
        _ = try? await response.body?.collect(upTo: 1 << 20)
    }
}
