import Core
import Foundation
import Images
import OCI
import SlipwayTesting
import Testing

/// Every instruction's filesystem rules checked against buildah: each case of ``DockerfileOracleCase/all`` is built
/// by Slipway and by Debian's buildah from the same base image and context; the root filesystems (paths, types,
/// modes, owners, contents, link targets) and the image configs must be the same, or both builders must refuse it.
@Suite(.enabled(if: BuildahOracle.isUsable, "needs root, buildah and busybox-static (scripts/setup installs them)"))
struct DockerfileOracleTests {
    @Test func theSuiteIsLargeAndNamesAreUnique() {
        #expect(DockerfileOracleCase.all.count >= 100)
        #expect(Set(DockerfileOracleCase.all.map(\.name)).count == DockerfileOracleCase.all.count)
    }

    @Test(.timeLimit(.minutes(30))) func everyCaseBuildsAsBuildahBuildsIt() async throws {
        let suite = self
        try await HeavyTests.exclusively { try await suite.runEveryCase() }
    }

    func runEveryCase() async throws {
        // Lower case: buildah names what it pulls from an OCI layout after the layout's path.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "slipway-oracle-\(UUID().uuidString.prefix(8).lowercased())"
        ).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try ImageStore(root: "\(directory)/store")
        let base = try Self.baseRoot(in: directory)
        _ = try ImageImporter(store: store).importImage(
            from: base, tag: try ImageReference(parsing: BuildahOracle.baseReference), sourceDateEpoch: 0)
        let oracle = try await BuildahOracle.prepare(in: directory, store: store)

        // SLIPWAY_ORACLE_CASES=name,name runs only those (while working on a rule).
        let only = Set((ProcessInfo.processInfo.environment["SLIPWAY_ORACLE_CASES"] ?? "").split(separator: ",").map(String.init))
        // One at a time: Slipway's side of a case is blocking work (unpacking, walking trees) on one of the few
        // cooperative threads the whole suite shares; two at once could starve the tests running beside this one.
        // buildah serialises on its storage lock anyway.
        var outcomes: [(DockerfileOracleCase, [String])] = []
        for c in DockerfileOracleCase.all where only.isEmpty || only.contains(c.name) {
            outcomes.append((c, try await Self.compare(c, in: directory, store: store, oracle: oracle)))
        }
        for (c, problems) in outcomes.sorted(by: { $0.0.name < $1.0.name }) where !problems.isEmpty {
            Issue.record("\(c.name):\n\(c.fullDockerfile)\(problems.joined(separator: "\n"))")
        }
        #expect(outcomes.count == (only.isEmpty ? DockerfileOracleCase.all.count : only.count))
    }

    /// The base both builders start from: busybox with a few more applets, users root, nonroot (65532) and app
    /// (1000), groups root, staff (50), nonroot and app.
    static func baseRoot(in directory: String) throws -> String {
        let root = try BusyboxRoot.make(at: "\(directory)/base-root")
        for applet in ["pwd", "true", "sed", "cp", "mv"] where !BusyboxRoot.applets.contains(applet) {
            try FileManager.default.createSymbolicLink(atPath: "\(root)/bin/\(applet)", withDestinationPath: "busybox")
        }
        try "root:x:0:0:root:/root:/bin/sh\nnonroot:x:65532:65532:nonroot:/home/nonroot:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n"
            .write(toFile: "\(root)/etc/passwd", atomically: false, encoding: .utf8)
        try "root:x:0:\nstaff:x:50:\nnonroot:x:65532:\napp:x:1000:\n".write(
            toFile: "\(root)/etc/group", atomically: false, encoding: .utf8)
        chmod("\(root)/etc/passwd", 0o644)
        chmod("\(root)/etc/group", 0o644)
        return root
    }

    /// Builds `c` with both; answers what differs (nothing when they agree).
    static func compare(_ c: DockerfileOracleCase, in directory: String, store: ImageStore, oracle: BuildahOracle) async throws -> [String]
    {
        let context = try makeContext(c, in: "\(directory)/cases/\(c.name)")
        let tag = "localhost/oracle/\(c.name):1"
        let ours: Result<(FilesystemSnapshot, ImageConfig.ContainerConfig), any Error>
        do {
            let builder = ImageBuilder(store: store, log: { _ in })
            let reference = try ImageReference(parsing: tag)
            _ = try await builder.build(BuildOptions(context: context, dockerfile: "\(context)/Dockerfile", tags: [reference]))
            guard let image = try store.image(reference) else { throw ImageError.notFound(tag) }
            let rootfs = "\(directory)/rootfs/\(c.name)"
            try FileManager.default.createDirectory(atPath: rootfs, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: rootfs) }
            let unpacker = LayerUnpacker(root: rootfs)
            for layer in image.manifest.layers { try unpacker.apply(blob: store.blobPath(layer.digest), mediaType: layer.mediaType) }
            ours = .success((try FilesystemSnapshot.of(rootfs), image.config.config))
        } catch {
            ours = .failure(error)
        }
        if let rule = c.docker {
            switch ours {
            case .success(let mine): return rule.check(mine.0, mine.1).map { "\($0) (\(rule.reason))" }
            case .failure(let error): return ["Slipway refused it: \(error) (\(rule.reason))"]
            }
        }
        var theirs: Result<(FilesystemSnapshot, ImageConfig.ContainerConfig), any Error>
        do { theirs = .success(try await oracle.build(context: context, tag: tag)) } catch { theirs = .failure(error) }
        // buildah itself fails now and then on a loaded machine ("sealing memfd copy: Device or resource busy"): a
        // refusal that contradicts Slipway is asked once more before it counts.
        if case .failure = theirs, case .success = ours {
            do { theirs = .success(try await oracle.build(context: context, tag: tag)) } catch { theirs = .failure(error) }
        }

        switch (ours, theirs) {
        case (.failure, .failure):
            return c.mustFail ? [] : ["both refused it (the case expects success)"]
        case (.failure(let error), .success):
            return ["Slipway refused what buildah built: \(error)"]
        case (.success, .failure(let error)):
            return ["Slipway built what buildah refused: \(error)"]
        case (.success(let mine), .success(let reference)):
            var problems = mine.0.differences(from: reference.0)
            problems += configDifferences(mine.1, reference.1)
            if c.mustFail { problems.append("both built it (the case expects a refusal)") }
            return problems
        }
    }

    /// The config fields a Dockerfile sets; buildah's own version label is left out.
    static func configDifferences(_ mine: ImageConfig.ContainerConfig, _ reference: ImageConfig.ContainerConfig) -> [String] {
        var problems: [String] = []
        func check<T: Equatable>(_ name: String, _ a: T, _ b: T) {
            if a != b { problems.append("config \(name): slipway \(a), buildah \(b)") }
        }
        var labels = reference.labels ?? [:]
        labels["io.buildah.version"] = nil
        check("User", mine.user ?? "", reference.user ?? "")
        check("Env", mine.env ?? [], reference.env ?? [])
        check("WorkingDir", mine.workingDir ?? "", reference.workingDir ?? "")
        check("Entrypoint", mine.entrypoint ?? [], reference.entrypoint ?? [])
        check("Cmd", mine.cmd ?? [], reference.cmd ?? [])
        check("Labels", mine.labels ?? [:], labels)
        check("ExposedPorts", (mine.exposedPorts ?? [:]).keys.sorted(), (reference.exposedPorts ?? [:]).keys.sorted())
        check("Volumes", (mine.volumes ?? [:]).keys.sorted(), (reference.volumes ?? [:]).keys.sorted())
        check("StopSignal", mine.stopSignal ?? "", reference.stopSignal ?? "")
        return problems
    }

    static func makeContext(_ c: DockerfileOracleCase, in context: String) throws -> String {
        let fm = FileManager.default
        try fm.createDirectory(atPath: context, withIntermediateDirectories: true)
        for (path, content) in DockerfileOracleCase.commonFiles.merging(c.files, uniquingKeysWith: { $1 }).sorted(by: { $0.key < $1.key }) {
            let full = "\(context)/\(path)"
            if path.hasSuffix("/") {
                try fm.createDirectory(atPath: full, withIntermediateDirectories: true)
                continue
            }
            try fm.createDirectory(atPath: FilePathText.parent(of: full), withIntermediateDirectories: true)
            if content.hasPrefix("->") {
                try fm.createSymbolicLink(atPath: full, withDestinationPath: String(content.dropFirst(2)))
            } else {
                try content.write(toFile: full, atomically: false, encoding: .utf8)
                chmod(full, 0o644)
            }
        }
        for (path, mode) in DockerfileOracleCase.commonModes { chmod("\(context)/\(path)", mode_t(mode)) }
        try c.fullDockerfile.write(toFile: "\(context)/Dockerfile", atomically: false, encoding: .utf8)
        if let ignore = c.dockerignore { try ignore.write(toFile: "\(context)/.dockerignore", atomically: false, encoding: .utf8) }
        return context
    }
}
