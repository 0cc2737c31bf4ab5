import CDispatch
import Core
import Foundation
import Glibc
import OCI

/// The registry server's storage: one content-addressed blob pool (`blobs/sha256/…`, written to `uploads/` and
/// renamed into place after the digest checks), and per repository the blobs it may serve (`_layers`), its
/// manifests (`_manifests/revisions`, with their media type) and tags (`_manifests/tags/<tag>` = a digest).
/// Every write is a rename (`AtomicFile`), so a crash never leaves a half-written blob, manifest or tag.
public struct RegistryStorage: Sendable {
    public let root: String

    public init(root: String) throws(ImageError) {
        self.root = root
        for directory in ["blobs/sha256", "uploads", "repositories"] {
            do { try FileManager.default.createDirectory(atPath: "\(root)/\(directory)", withIntermediateDirectories: true) } catch {
                throw .io("\(root)/\(directory)", "cannot create: \(error.localizedDescription)")
            }
        }
    }

    func blobPath(_ digest: Digest) -> String { "\(root)/blobs/\(digest.algorithm)/\(digest.hex)" }
    func repository(_ name: String) -> String { "\(root)/repositories/\(name)" }
    func layerLink(_ name: String, _ digest: Digest) -> String { "\(repository(name))/_layers/\(digest.algorithm)/\(digest.hex)" }
    func manifestPath(_ name: String, _ digest: Digest) -> String {
        "\(repository(name))/_manifests/revisions/\(digest.algorithm)/\(digest.hex)"
    }
    func tagPath(_ name: String, _ tag: String) -> String { "\(repository(name))/_manifests/tags/\(tag)" }
    func uploadPath(_ id: String) -> String { "\(root)/uploads/\(id)" }

    func size(_ path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int64(info.st_size)
    }

    /// Whether `name` may serve the blob: it was pushed or mounted there (or a manifest of it refers to it).
    func hasBlob(_ name: String, _ digest: Digest) -> Bool {
        FileManager.default.fileExists(atPath: layerLink(name, digest)) && FileManager.default.fileExists(atPath: blobPath(digest))
    }

    func link(_ name: String, _ digest: Digest) throws {
        try AtomicFile.write(Data(digest.description.utf8), to: layerLink(name, digest))
    }

    /// Moves a finished upload into the pool and links it to the repository.
    func commitUpload(_ id: String, digest: Digest, repository name: String) throws {
        let destination = blobPath(digest)
        if FileManager.default.fileExists(atPath: destination) {
            try? FileManager.default.removeItem(atPath: uploadPath(id))
        } else {
            try FileManager.default.createDirectory(
                atPath: FilePathText.parent(of: destination), withIntermediateDirectories: true)
            guard rename(uploadPath(id), destination) == 0 else { throw ImageError.io(destination, String(cString: strerror(errno))) }
        }
        try link(name, digest)
    }

    func storeManifest(_ name: String, data: Data, mediaType: String, reference: String) throws -> Digest {
        let digest = Digest.sha256(of: data)
        if !FileManager.default.fileExists(atPath: blobPath(digest)) { try AtomicFile.write(data, to: blobPath(digest)) }
        try AtomicFile.write(Data(mediaType.utf8), to: manifestPath(name, digest))
        try link(name, digest)
        if (try? Digest(parsing: reference)) == nil { try AtomicFile.write(Data(digest.description.utf8), to: tagPath(name, reference)) }
        return digest
    }

    /// The manifest a tag or digest names in `name`: its digest and media type.
    func manifest(_ name: String, _ reference: String) -> (digest: Digest, mediaType: String)? {
        let digest: Digest
        if let parsed = try? Digest(parsing: reference) {
            digest = parsed
        } else {
            guard let text = try? String(contentsOfFile: tagPath(name, reference), encoding: .utf8), let parsed = try? Digest(parsing: text)
            else { return nil }
            digest = parsed
        }
        guard let type = try? String(contentsOfFile: manifestPath(name, digest), encoding: .utf8),
            FileManager.default.fileExists(atPath: blobPath(digest))
        else { return nil }
        return (digest, type)
    }

    func tags(_ name: String) -> [String]? {
        guard FileManager.default.fileExists(atPath: repository(name)) else { return nil }
        return ((try? FileManager.default.contentsOfDirectory(atPath: "\(repository(name))/_manifests/tags")) ?? []).filter {
            !$0.hasPrefix(".")
        }.sorted()
    }

    func deleteManifest(_ name: String, _ reference: String) -> Bool {
        if let digest = try? Digest(parsing: reference) {
            guard FileManager.default.fileExists(atPath: manifestPath(name, digest)) else { return false }
            try? FileManager.default.removeItem(atPath: manifestPath(name, digest))
            for tag in tags(name) ?? []
            where manifest(name, tag) == nil || (try? String(contentsOfFile: tagPath(name, tag), encoding: .utf8)) == digest.description {
                try? FileManager.default.removeItem(atPath: tagPath(name, tag))
            }
            return true
        }
        guard FileManager.default.fileExists(atPath: tagPath(name, reference)) else { return false }
        try? FileManager.default.removeItem(atPath: tagPath(name, reference))
        return true
    }

    func repositories() -> [String] {
        var names: [String] = []
        let base = "\(root)/repositories"
        guard let enumerator = FileManager.default.enumerator(atPath: base) else { return [] }
        while let path = enumerator.nextObject() as? String {
            if path.hasSuffix("/_manifests") {
                names.append(String(path.dropLast("/_manifests".count)))
                enumerator.skipDescendants()
            } else if path.hasSuffix("/_layers") || path.hasPrefix("_") {
                enumerator.skipDescendants()
            }
        }
        return names.sorted()
    }

    /// The manifests of `name` that name `digest` (as config, layer, child or subject).
    func manifests(of name: String, referencing digest: Digest) -> [Digest] {
        let directory = "\(repository(name))/_manifests/revisions/sha256"
        var found: [Digest] = []
        for hex in ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted() {
            guard let manifest = try? Digest(parsing: "sha256:\(hex)"), let data = FileManager.default.contents(atPath: blobPath(manifest)),
                let type = try? String(contentsOfFile: manifestPath(name, manifest), encoding: .utf8),
                let checked = try? ManifestValidator.validate(data, contentType: type)
            else { continue }
            if checked.references.contains(digest) || checked.subject == digest { found.append(manifest) }
        }
        return found
    }

    /// Unlinks a blob from `name` and, when no repository links it any more, removes its data (the garbage
    /// collection distribution runs offline, done at once for one blob).
    func deleteBlob(_ name: String, _ digest: Digest) {
        try? FileManager.default.removeItem(atPath: layerLink(name, digest))
        let stillLinked = repositories().contains { FileManager.default.fileExists(atPath: layerLink($0, digest)) }
        if !stillLinked { try? FileManager.default.removeItem(atPath: blobPath(digest)) }
    }

    /// Removes uploads untouched for `age` (abandoned or aborted sessions) with their partial data; answers how many.
    @discardableResult
    func expireUploads(olderThan age: TimeInterval, now: Date = Date()) -> Int {
        let directory = "\(root)/uploads"
        var removed = 0
        for id in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
            let path = "\(directory)/\(id)"
            guard let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                now.timeIntervalSince(modified) > age
            else { continue }
            if (try? FileManager.default.removeItem(atPath: path)) != nil { removed += 1 }
        }
        return removed
    }
}
