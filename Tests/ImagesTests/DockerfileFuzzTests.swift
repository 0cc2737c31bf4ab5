import Core
import Foundation
import Images
import OCI
import SlipwayTesting
import Testing

/// Random mutations of the Dockerfile suite's cases, parsed and built: every one ends in an image or in an error that
/// names the Dockerfile and the line — never a crash, a hang or an error without a position.
/// `Benchmarks/fuzz` runs 10,000; `SLIPWAY_FUZZ_COUNT` sets how many.
@Suite struct DockerfileFuzzTests {
    static let fragments = [
        " ", "\\", "\n", "\t", "$", "${", "}", "$A", "\"", "'", "[", "]", ",", "=", "--from=", "--chown=", "--chmod=", "--link",
        "<<EOF", "EOF", "#", "# escape=`", "`", "*", "?", "..", "/", "./", "FROM ", "AS ", "COPY ", "ADD ", "RUN ", "ARG ",
        "ENV ", "WORKDIR ", "USER ", "ONBUILD ", "\u{0}", "é", "-", "0", "65536",
    ]

    static var count: Int { ProcessInfo.processInfo.environment["SLIPWAY_FUZZ_COUNT"].flatMap(Int.init) ?? 1_000 }

    @Test func mutantsParseOrFailWithALine() {
        var mutator = Mutator(seed: 0xD0C4, fragments: Self.fragments)
        let corpus = DockerfileOracleCase.all.map(\.fullDockerfile)
        var parsed = 0
        var refused = 0
        for iteration in 0..<Self.count {
            let text = mutator.mutate(corpus[mutator.below(corpus.count)])
            do {
                _ = try DockerfileParser.parse(text, path: "Dockerfile")
                parsed += 1
            } catch {
                refused += 1
                #expect(error.path == "Dockerfile" && error.line >= 1 && error.column >= 1, "iteration \(iteration): \(error)")
            }
        }
        #expect(parsed > Self.count / 10 && refused > 0, "parsed \(parsed), refused \(refused)")
    }

    @Test(
        .enabled(if: getuid() == 0 && BusyboxRoot.executable != nil, "needs root and busybox-static (scripts/setup installs it)"),
        .timeLimit(.minutes(10)))
    func mutantsBuildOrFailWithALine() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-dfuzz-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try ImageStore(root: "\(directory)/store")
        let base = try DockerfileOracleTests.baseRoot(in: directory)
        _ = try ImageImporter(store: store).importImage(
            from: base, tag: try ImageReference(parsing: BuildahOracle.baseReference), sourceDateEpoch: 0)
        let context = try DockerfileOracleTests.makeContext(DockerfileOracleCase(name: "fuzz", dockerfile: ""), in: "\(directory)/context")
        var mutator = Mutator(seed: 0xB01D, fragments: Self.fragments)
        let corpus = DockerfileOracleCase.all.filter { !$0.mustFail }.map(\.fullDockerfile)
        var built = 0
        var refused: [String: Int] = [:]
        let builds = max(1, Self.count / 10)
        for iteration in 0..<builds {
            let text = mutator.mutate(corpus[mutator.below(corpus.count)])
            try text.write(toFile: "\(context)/Dockerfile", atomically: true, encoding: .utf8)
            do {
                _ = try await Deadline.within(.seconds(10), "building mutant \(iteration)") {
                    try await ImageBuilder(store: store, log: { _ in }).build(
                        BuildOptions(context: context, dockerfile: "\(context)/Dockerfile", noCache: true))
                }
                built += 1
            } catch let error as DockerfileError {
                refused["DockerfileError", default: 0] += 1
                #expect(error.line >= 1, "iteration \(iteration): \(error)\n\(text)")
            } catch {
                refused["\(type(of: error))", default: 0] += 1
                Issue.record("iteration \(iteration): an error without a position: \(error)\n\(text)")
            }
        }
        #expect(built > builds / 4, "built \(built), refused \(refused)")
    }
}
