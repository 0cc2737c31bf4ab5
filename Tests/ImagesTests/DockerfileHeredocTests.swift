import Core
import Foundation
import Images
import OCI
import OCIClient
import SlipwayTesting
import Testing

/// Here-documents in RUN and COPY (BuildKit's syntax; Debian's buildah 1.28 predates them, so the expectations are
/// Docker's documented behaviour, written out).
@Suite struct DockerfileHeredocTests {
    @Test(.timeLimit(.minutes(2))) func heredocsRunAsScriptsAndCopyAsFiles() async throws {
        let directory = try ImageFixtures.temporaryDirectory("heredoc")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try ImageFixtures.storeWithBases(in: directory)
        let context = "\(directory)/ctx"
        try FileManager.default.createDirectory(atPath: context, withIntermediateDirectories: true)
        try """
        FROM alpine:3.20
        ARG NAME=world
        RUN <<EOF
        mkdir -p /out
        echo "script line one" > /out/script
        echo "script line two" >> /out/script
        EOF
        RUN cat <<EOF > /out/piped
        hello $NAME
        EOF
        COPY <<EOF /out/expanded
        hello $NAME
        EOF
        COPY <<"EOF" /out/literal
        hello $NAME
        EOF
        COPY --chmod=755 <<-EOF /out/
        \t#!/bin/sh
        \techo tabs removed
        \tEOF
        RUN --mount=type=cache,target=/cache echo after > /out/after

        """.write(toFile: "\(context)/Dockerfile", atomically: false, encoding: .utf8)
        let tag = try ImageReference(parsing: "heredoc:1")
        let log = Lines()
        _ = try await ImageBuilder(store: store, log: { log.append($0) }).build(
            BuildOptions(context: context, dockerfile: "\(context)/Dockerfile", tags: [tag]))
        #expect(log.all.contains { $0.contains("warning: RUN --mount=type=cache,target=/cache is not honoured") }, "\(log.all)")
        let rootfs = try unpack(tag, store: store, into: "\(directory)/rootfs")
        func read(_ path: String) -> String? { try? String(contentsOfFile: rootfs + path, encoding: .utf8) }
        #expect(read("/out/script") == "script line one\nscript line two\n")
        #expect(read("/out/piped") == "hello world\n", "the shell reads the document and expands it")
        #expect(read("/out/expanded") == "hello world\n")
        #expect(read("/out/literal") == "hello $NAME\n", "a quoted delimiter keeps the text as written")
        #expect(read("/out/EOF") == "#!/bin/sh\necho tabs removed\n", "<<- strips leading tabs; a directory takes the delimiter as name")
        let mode = try FileManager.default.attributesOfItem(atPath: rootfs + "/out/EOF")[.posixPermissions] as? Int
        #expect(mode == 0o755)
        #expect(read("/out/after") == "after\n", "the lines after a document are instructions again")
    }

    @Test func anUnterminatedHeredocIsRefusedWithItsLine() throws {
        #expect {
            _ = try DockerfileParser.parse("FROM scratch\nRUN <<EOF\necho never closed\n", path: "Dockerfile")
        } throws: { error in
            "\(error)".contains("Dockerfile:2") && "\(error)".contains("not terminated")
        }
    }

    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func append(_ line: String) { lock.withLock { lines.append(line) } }
        var all: [String] { lock.withLock { lines } }
    }

    func unpack(_ reference: ImageReference, store: ImageStore, into rootfs: String) throws -> String {
        guard let image = try store.image(reference) else { throw ImageError.notFound(reference.familiar) }
        try FileManager.default.createDirectory(atPath: rootfs, withIntermediateDirectories: true)
        let unpacker = LayerUnpacker(root: rootfs)
        for layer in image.manifest.layers { try unpacker.apply(blob: store.blobPath(layer.digest), mediaType: layer.mediaType) }
        return rootfs
    }
}

/// Flags the builder does not implement are refused by name (or, for RUN, reported), never silently ignored.
@Suite struct DockerfileFlagTests {
    @Test func unsupportedAndUnknownFlagsAreRefusedWithTheirLine() {
        for (text, expected) in [
            ("FROM scratch\nCOPY --parents a/b.txt /x/\n", "Dockerfile:2:1: COPY --parents is not supported"),
            ("FROM scratch\nCOPY --exclude=*.md . /x/\n", "Dockerfile:2:1: COPY --exclude is not supported"),
            ("FROM scratch\nCOPY --chwon=1 a /x\n", "Dockerfile:2:1: COPY: unknown flag --chwon"),
            ("FROM scratch\nRUN --privileged true\n", "Dockerfile:2:1: RUN: unknown flag --privileged"),
        ] {
            #expect(throws: DockerfileError.self) { _ = try DockerfileParser.parse(text, path: "Dockerfile") }
            do {
                _ = try DockerfileParser.parse(text, path: "Dockerfile")
            } catch {
                #expect("\(error)".contains(expected), "\(error)")
            }
        }
        #expect(
            (try? DockerfileParser.parse("FROM scratch\nCOPY --link --chmod=644 a /x\nRUN --mount=type=cache,target=/c true\n", path: "D"))
                != nil)
    }

    @Test func anInstructionOverOneMebibyteIsRefusedWithItsLine() {
        let huge = "FROM scratch\nLABEL a=b\nRUN echo " + String(repeating: "x", count: 2 << 20) + "\n"
        #expect {
            _ = try DockerfileParser.parse(huge, path: "Dockerfile")
        } throws: { error in
            "\(error)".hasPrefix("Dockerfile:3:1: the instruction is 2097161 bytes long")
        }
        // Continuation lines count together.
        let continued = "FROM scratch\nRUN echo \\\n" + String(repeating: "y \\\n", count: 600_000) + "done\n"
        #expect(throws: DockerfileError.self) { _ = try DockerfileParser.parse(continued, path: "Dockerfile") }
    }
}

/// A base image that cannot be had fails the build at once with what to do, not after the HTTP client's backoff.
@Suite struct UnreachableBaseImageTests {
    @Test func anUnresolvableOrClosedRegistryFailsAtOnceAndSaysWhy() async throws {
        let directory = try ImageFixtures.temporaryDirectory("unreachable")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try ImageStore(root: "\(directory)/store")
        for (base, reason) in [("registry.nowhere.invalid/app:1", "its name does not resolve"), ("127.0.0.1:1/app:1", "nothing accepts")] {
            try "FROM \(base)\n".write(toFile: "\(directory)/Dockerfile", atomically: false, encoding: .utf8)
            let client = ImageFixtures.client(store: store)
            defer { client.shutdown() }
            // A bound, not a timing: it was 43 s before (retries until the connect timeout); now it is immediate.
            let message = try await Deadline.within(.seconds(20), "the build of FROM \(base) to fail") {
                let builder = ImageBuilder(store: store, fetchBase: { _ = try await client.pull($0, into: store) }, log: { _ in })
                do {
                    _ = try await builder.build(BuildOptions(context: directory, dockerfile: "\(directory)/Dockerfile"))
                    return "built"
                } catch {
                    return "\(error)"
                }
            }
            #expect(message.contains("Dockerfile:1:1") && message.contains(reason) && message.contains("--registry-mirror"), "\(message)")
        }
    }
}
