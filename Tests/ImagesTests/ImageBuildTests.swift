import CDispatch
import Core
import Foundation
import Glibc
import Images
import OCI
import Testing

/// Builds the seed-style three-stage Dockerfile from busybox stand-ins, with RUN under bubblewrap.
@Suite(.serialized) struct ImageBuildTests {
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func append(_ line: String) {
            lock.lock()
            lines.append(line)
            lock.unlock()
        }
        var all: [String] {
            lock.lock()
            defer { lock.unlock() }
            return lines
        }
    }

    @Test(.timeLimit(.minutes(2))) func threeStageBuildRunsItsEntrypointAndCachesByContent() async throws {
        let directory = try ImageFixtures.temporaryDirectory("build")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try ImageFixtures.storeWithBases(in: directory)
        let context = try ImageFixtures.seedContext(in: directory)
        let builder = ImageBuilder(store: store, log: { _ in })
        let tag = try ImageReference(parsing: "127.0.0.1:5000/team/app:sha-1a2b3c4d")
        let options = BuildOptions(context: context, dockerfile: "\(context)/Dockerfile", tags: [tag])

        let first = try await builder.build(options)
        // Each stage's WORKDIR creates its directory in a layer of its own, as Docker does.
        #expect(first.layersBuilt == 7 && first.cacheHits == 0)

        // The entrypoint runs under bubblewrap as nonroot and prints what the builder stage produced.
        let output = Lines()
        let status = try await ImageRunner(store: store).run(tag, arguments: []) { output.append($0) }
        #expect(status == 0)
        #expect(output.all == ["built app 1.0.0 from 3 lines", "main.go", "65532"])  // notes.md is excluded by .dockerignore

        let config = try imageConfig(store, first.manifest)
        #expect(config.config.user == "nonroot:nonroot")
        #expect(config.config.exposedPorts?.keys.sorted() == ["8080/tcp"])
        #expect(config.config.healthcheck?.test == ["CMD-SHELL", "wget -qO- http://localhost:8080/ || exit 1"])
        #expect(config.config.healthcheck?.interval == 30_000_000_000 && config.config.healthcheck?.retries == 3)
        #expect(config.config.entrypoint == ["/app/app"])
        #expect(config.rootfs.diffIDs.count == 3)  // base + two COPY layers in the final stage
        #expect(config.history?.filter { $0.emptyLayer != true }.count == config.rootfs.diffIDs.count)

        // Nothing changed: a full cache hit with the identical digest.
        let second = try await builder.build(options)
        #expect(second.manifest.digest == first.manifest.digest)
        #expect(second.layersBuilt == 0 && second.cacheHits == 7)

        // Only a file's time changes: still a hit.
        var times = [timespec(tv_sec: 1_000_000, tv_nsec: 0), timespec(tv_sec: 1_000_000, tv_nsec: 0)]
        utimensat(AT_FDCWD, "\(context)/src/main.go", &times, 0)
        let touched = try await builder.build(options)
        #expect(touched.manifest.digest == first.manifest.digest && touched.layersBuilt == 0)

        // A file .dockerignore leaves out of a copied directory is not part of the key either.
        try "edited, but ignored\n".write(toFile: "\(context)/src/notes.md", atomically: true, encoding: .utf8)
        let ignored = try await builder.build(options)
        #expect(ignored.manifest.digest == first.manifest.digest && ignored.layersBuilt == 0)

        // A build arg used by LABEL (and RUN) changes the label: metadata is never served from the cache.
        var changed = options
        changed.buildArgs = ["VERSION": "1.2.4"]
        let relabelled = try await builder.build(changed)
        #expect(relabelled.manifest.digest != first.manifest.digest)
        #expect(try imageConfig(store, relabelled.manifest).config.labels?["org.opencontainers.image.version"] == "1.2.4")

        // Changing a source file rebuilds its COPY, the RUN after it and the final stage's layers; the web stage stays cached.
        try "package main\n\n// changed\nfunc main() {}\n".write(toFile: "\(context)/src/main.go", atomically: true, encoding: .utf8)
        let edited = try await builder.build(options)
        #expect(edited.layersBuilt == 4 && edited.cacheHits == 3)
    }

    @Test(.timeLimit(.minutes(2))) func addUnpacksLocalArchivesAndCopyDoesNot() async throws {
        let directory = try ImageFixtures.temporaryDirectory("add")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try ImageFixtures.storeWithBases(in: directory)
        let context = "\(directory)/context"
        try FileManager.default.createDirectory(atPath: "\(directory)/payload/dir", withIntermediateDirectories: true)
        try "echo vendored tool\n".write(toFile: "\(directory)/payload/dir/tool.sh", atomically: true, encoding: .utf8)
        try "hello from a plain tar\n".write(toFile: "\(directory)/payload/hello.txt", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: context, withIntermediateDirectories: true)
        // Archives are recognised by their bytes: the plain tar has no .tar name.
        let gzip = try await ImageFixtures.command("tar", ["-czf", "\(context)/vendor.tgz", "-C", "\(directory)/payload", "dir"])
        let plain = try await ImageFixtures.command("tar", ["-cf", "\(context)/bundle", "-C", "\(directory)/payload", "./hello.txt"])
        #expect(gzip.succeeded && plain.succeeded)
        try "not an archive\n".write(toFile: "\(context)/notes.txt", atomically: true, encoding: .utf8)
        try """
        FROM alpine:3.20
        ADD vendor.tgz /opt/vendor/
        ADD bundle /srv/plain
        ADD notes.txt /etc/notes.txt
        COPY vendor.tgz /keep/
        ENTRYPOINT ["/bin/sh", "-c", "cat /opt/vendor/dir/tool.sh /srv/plain/hello.txt /etc/notes.txt; ls /keep"]

        """.write(toFile: "\(context)/Dockerfile", atomically: true, encoding: .utf8)
        let tag = try ImageReference(parsing: "local/add:1")
        _ = try await ImageBuilder(store: store, log: { _ in }).build(
            BuildOptions(context: context, dockerfile: "\(context)/Dockerfile", tags: [tag]))
        let output = Lines()
        let status = try await ImageRunner(store: store).run(tag, arguments: []) { output.append($0) }
        #expect(status == 0)
        #expect(output.all == ["echo vendored tool", "hello from a plain tar", "not an archive", "vendor.tgz"])

        // An archive entry that climbs out of the destination is refused, and a URL source is named as unsupported.
        let escape = try await ImageFixtures.command(
            "tar", ["-cf", "\(context)/evil.tar", "-C", "\(directory)/payload", "--transform", "s,^,../../,", "hello.txt"])
        #expect(escape.succeeded)
        for (line, message) in [
            ("ADD evil.tar /srv/", "would be written outside the destination"),
            ("ADD https://example.com/tool.tgz /opt/", "remote sources are not fetched"),
        ] {
            try "FROM alpine:3.20\n\(line)\n".write(toFile: "\(context)/Dockerfile", atomically: true, encoding: .utf8)
            do {
                _ = try await ImageBuilder(store: store, log: { _ in }).build(
                    BuildOptions(context: context, dockerfile: "\(context)/Dockerfile", tags: [tag]))
                Issue.record("\(line) was accepted")
            } catch {
                #expect("\(error)".contains(message), "\(error)")
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func filesARunCreatesAsANonRootUserBelongToThatUser() async throws {
        let directory = try ImageFixtures.temporaryDirectory("run-user")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try ImageFixtures.storeWithBases(in: directory)
        let context = "\(directory)/context"
        try FileManager.default.createDirectory(atPath: context, withIntermediateDirectories: true)
        try """
        FROM alpine:3.20
        RUN mkdir -m 1777 /data && echo root > /data/by-root
        USER nonroot:nonroot
        RUN mkdir /data/cache && echo built > /data/cache/output && id -u > /data/whoami

        """.write(toFile: "\(context)/Dockerfile", atomically: true, encoding: .utf8)
        let result = try await ImageBuilder(store: store, log: { _ in }).build(
            BuildOptions(context: context, dockerfile: "\(context)/Dockerfile"))
        let manifest = try CanonicalJSON.decode(ImageManifest.self, from: try store.readBlob(result.manifest.digest), what: "manifest")
        let owners = try Dictionary(
            uniqueKeysWithValues: Self.layerEntries(store, try #require(manifest.layers.last)).map { ($0.path, "\($0.uid):\($0.gid)") })
        #expect(owners["data/cache"] == "65532:65532")
        #expect(owners["data/cache/output"] == "65532:65532")
        #expect(owners["data/whoami"] == "65532:65532")
        let earlier = try Dictionary(
            uniqueKeysWithValues: Self.layerEntries(store, manifest.layers[manifest.layers.count - 2]).map { ($0.path, $0.uid) })
        #expect(earlier["data/by-root"] == 0, "a RUN as root keeps root's files")
    }

    /// The entries of a gzip layer.
    static func layerEntries(_ store: ImageStore, _ layer: Descriptor) throws -> [TarEntry] {
        final class Entries: @unchecked Sendable { var list: [TarEntry] = [] }
        let entries = Entries()
        let reader = TarReader(.init(begin: { entries.list.append($0) }, content: { _ in }, end: {}))
        let decompressor = try GzipDecompressor()
        let data = try store.readBlob(layer.digest)
        try data.withUnsafeBytes { buffer in try decompressor.decompress(buffer) { try reader.consume($0) } }
        return entries.list
    }

    @Test func reproducibleWithSourceDateEpoch() async throws {
        let directory = try ImageFixtures.temporaryDirectory("repro")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let context = try ImageFixtures.seedContext(in: directory)
        var digests: [Digest] = []
        for round in 0..<2 {
            let store = try ImageFixtures.storeWithBases(in: "\(directory)/\(round)")
            let options = BuildOptions(context: context, dockerfile: "\(context)/Dockerfile", noCache: true, sourceDateEpoch: 1_700_000_000)
            digests.append(try await ImageBuilder(store: store, log: { _ in }).build(options).manifest.digest)
        }
        #expect(digests[0] == digests[1])
    }

    @Test func badInputFailsClearlyAndLeavesNothingHalfWritten() async throws {
        let directory = try ImageFixtures.temporaryDirectory("bad")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try ImageFixtures.storeWithBases(in: directory)
        let context = try ImageFixtures.seedContext(in: directory)
        let builder = ImageBuilder(store: store, log: { _ in })
        let before = try store.references().map(\.name)
        func failure(_ dockerfile: String, target: String? = nil) async -> String {
            try? dockerfile.write(toFile: "\(context)/Dockerfile.bad", atomically: true, encoding: .utf8)
            let tag = try? ImageReference(parsing: "bad:latest")
            do {
                _ = try await builder.build(
                    BuildOptions(context: context, dockerfile: "\(context)/Dockerfile.bad", tags: tag.map { [$0] } ?? [], target: target))
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        #expect(await failure("FROM alpine:3.20\nRUN echo ok\nCOPPY x /\n").contains("Dockerfile.bad:3:1: unknown instruction: COPPY"))
        #expect(await failure("FROM alpine:3.20\n", target: "nope").contains("target stage 'nope' could not be found"))
        #expect(await failure("FROM alpine:3.20\nCOPY --from=nowhere /x /y\n").contains("Dockerfile.bad:2:1"))
        #expect(
            await failure("FROM alpine:3.20\nCOPY missing.txt /x\n").contains("Dockerfile.bad:2:1: COPY source 'missing.txt' not found"))
        #expect(await failure("FROM alpine:3.20\nCOPY src/notes.md /x\n").contains("excluded by .dockerignore"))
        #expect(await failure("FROM alpine:3.20\nRUN echo partial > /p && exit 7\n").contains("failed with exit code 7"))
        #expect(await failure("FROM missing/base:1\n").contains("missing/base:1"))
        // No image was named, and no temporary file is left in the store.
        #expect(try store.references().map(\.name) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(store.root)/tmp").isEmpty)
    }

    func imageConfig(_ store: ImageStore, _ manifest: Descriptor) throws -> ImageConfig {
        let parsed = try CanonicalJSON.decode(ImageManifest.self, from: try store.readBlob(manifest.digest), what: "manifest")
        return try CanonicalJSON.decode(ImageConfig.self, from: try store.readBlob(parsed.config.digest), what: "config")
    }
}
