import Foundation
import Images
import OCI
import Testing

@Suite struct ImageModelTests {
    @Test(arguments: [
        ("golang:1.23-alpine", "docker.io", "library/golang", "1.23-alpine"),
        ("busybox", "docker.io", "library/busybox", "latest"),
        ("acme/app:v1", "docker.io", "acme/app", "v1"),
        ("127.0.0.1:5000/team/app:sha-1a2b3c4d", "127.0.0.1:5000", "team/app", "sha-1a2b3c4d"),
        ("localhost/app", "localhost", "app", "latest"),
        ("ghcr.io/org/sub/app:1.2.3", "ghcr.io", "org/sub/app", "1.2.3"),
        ("index.docker.io/library/node:18", "docker.io", "library/node", "18"),
    ])
    func referencesNormaliseLikeDocker(_ text: String, _ registry: String, _ repository: String, _ tag: String) throws {
        let reference = try ImageReference(parsing: text)
        #expect(reference.registry == registry)
        #expect(reference.repository == repository)
        #expect(reference.tag == tag)
    }

    @Test func digestReferencesAndBadInput() throws {
        let hex = String(repeating: "a", count: 64)
        let reference = try ImageReference(parsing: "127.0.0.1:5000/app@sha256:\(hex)")
        #expect(reference.digest?.hex == hex)
        #expect(reference.tag == nil)
        #expect(reference.reference == "sha256:\(hex)")
        #expect(throws: ImageError.self) { try ImageReference(parsing: "UPPER/case") }
        #expect(throws: ImageError.self) { try ImageReference(parsing: "app:bad tag") }
        #expect(throws: ImageError.self) { try Digest(parsing: "sha256:short") }
        #expect(throws: ImageError.self) { try Digest(parsing: "md5:\(hex)") }
    }

    @Test func canonicalJSONIsStable() throws {
        var config = ImageConfig(architecture: "amd64", os: "linux")
        config.config.labels = ["b": "2", "a": "1"]
        config.config.exposedPorts = ["8080/tcp": EmptyObject()]
        let first = try CanonicalJSON.encode(config)
        let second = try CanonicalJSON.encode(try CanonicalJSON.decode(ImageConfig.self, from: first, what: "config"))
        #expect(first == second)
        #expect(String(decoding: first, as: UTF8.self).contains(#""Labels":{"a":"1","b":"2"}"#))
    }

    @Test func tarAndGzipRoundTrip() throws {
        var tar: [UInt8] = []
        var writer = TarWriter { tar += $0 }
        let longName = String(repeating: "d/", count: 70) + "file.txt"
        try writer.writeHeader(TarEntry(path: "dir", kind: .directory, mode: 0o755))
        var file = TarEntry(path: longName, kind: .file, mode: 0o640, uid: 65532, gid: 65532, size: 5, modificationTime: 1_700_000_000)
        file.size = 5
        try writer.writeHeader(file)
        try writer.writeContent(Array("hello".utf8))
        try writer.writeHeader(TarEntry(path: "dir/link", kind: .symlink, mode: 0o777, linkName: "../" + longName))
        try writer.finish()
        #expect(tar.count % 512 == 0)

        var compressed: [UInt8] = []
        let gzip = try GzipCompressor()
        try tar.withUnsafeBytes { try gzip.compress($0) { compressed += $0 } }
        try gzip.finish { compressed += $0 }
        #expect(compressed.prefix(2) == [0x1f, 0x8b])

        var entries: [TarEntry] = []
        var content: [UInt8] = []
        let reader = TarReader(.init(begin: { entries.append($0) }, content: { content += $0 }, end: {}))
        let gunzip = try GzipDecompressor()
        // Feed in odd-sized pieces: the reader must not depend on block boundaries.
        var offset = 0
        while offset < compressed.count {
            let end = min(offset + 37, compressed.count)
            try compressed[offset..<end].withUnsafeBytes { try gunzip.decompress($0) { try reader.consume($0) } }
            offset = end
        }
        #expect(reader.sawEnd)
        #expect(entries.map(\.path) == ["dir", longName, "dir/link"])
        #expect(entries[1].uid == 65532 && entries[1].mode == 0o640 && entries[1].modificationTime == 1_700_000_000)
        #expect(entries[2].linkName == "../" + longName)
        #expect(String(decoding: content, as: UTF8.self) == "hello")
    }
}

@Suite struct DockerfileParserTests {
    @Test func continuationsCommentsFlagsAndForms() throws {
        let file = try DockerfileParser.parse(
            """
            # escape=`
            FROM --platform=linux/amd64 golang:1.23 AS Build
            # a comment
            RUN echo one `
                # comment inside a continuation
                two
            COPY --from=build --chown=1:1 ["a b", "/dest/"]
            CMD ["run", "--port", "8080"]
            """, path: "Dockerfile")
        #expect(file.stages.count == 1)
        let stage = file.stages[0]
        #expect(stage.name == "Build" && stage.platform == "linux/amd64")
        #expect(stage.instructions.map(\.keyword) == ["RUN", "COPY", "CMD"])
        #expect(stage.instructions[0].arguments == "echo one     two")
        #expect(stage.instructions[0].line == 4)
        #expect(stage.instructions[1].flag("chown") == "1:1")
        #expect(stage.instructions[1].json == ["a b", "/dest/"])
        #expect(stage.instructions[2].json == ["run", "--port", "8080"])
        #expect(file.stage(named: "build")?.index == 0)
    }

    @Test(arguments: [
        ("FROM alpine\nRUNN echo\n", 2, "unknown instruction: RUNN"),
        ("RUN echo\n", 1, "must come after a FROM"),
        ("FROM alpine\n\nCOPY\n", 3, "requires at least one argument"),
        ("FROM a AS x\nFROM b AS X\n", 2, "duplicate stage name"),
        ("# escape=x\nFROM a\n", 1, "invalid escape token"),
        ("FROM a b\n", 1, "FROM requires either one or three arguments"),
    ])
    func errorsNameTheLine(_ text: String, _ line: Int, _ message: String) {
        do {
            _ = try DockerfileParser.parse(text, path: "ctx/Dockerfile")
            Issue.record("expected an error for \(text.debugDescription)")
        } catch {
            #expect(error.line == line)
            #expect(error.description.hasPrefix("ctx/Dockerfile:\(line):"))
            #expect(error.message.contains(message), "\(error)")
        }
    }

    @Test func substitutionFollowsBuildKit() {
        let env = ["abc": "hello", "EMPTY": ""]
        #expect(Substitution.words("abc=bye def=$abc", environment: env) == ["abc=bye", "def=hello"])
        #expect(
            Substitution.expand("${abc}-${missing:-fallback}-${abc:+set}-${EMPTY:-e}-${EMPTY-kept}", environment: env)
                == "hello-fallback-set-e-")
        #expect(Substitution.words(#"a="b c" 'd $abc' \$abc"#, environment: env) == ["a=b c", "d $abc", "$abc"])
    }
}
