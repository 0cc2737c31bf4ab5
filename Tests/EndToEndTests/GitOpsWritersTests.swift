import Core
import Foundation
import SlipwayTesting
import Testing

/// Twenty `slipway gitops set-image --push` processes at once, each with its own cache as separate CI runners on one
/// machine have: every update lands, one commit each, because the branch's lock lives in the machine's lock
/// directory rather than in each writer's cache.
@Suite struct GitOpsWritersTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardizedFileURL.path
    static let slipway = ProcessInfo.processInfo.environment["SLIPWAY_BINARY"] ?? (repositoryRoot + "/.build/debug/slipway")

    @Test(.timeLimit(.minutes(3))) func twentyProcessesWithSeparateCachesAllLand() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.slipway), "build the slipway executable first (scripts/test does)")
        var files: [String: String] = [:]
        for index in 0..<20 {
            files["overlays/env-\(index)/app/kustomization.yaml"] = "resources:\n- ../../../base\nimages:\n- name: my-app\n  newTag: old\n"
        }
        let repository = try await GitOpsRepository.make("writers", files: files)
        defer { try? FileManager.default.removeItem(atPath: repository.root) }
        let writers = try await withThrowingTaskGroup(of: (Int, ChildProcess.End, String).self) { group in
            for index in 0..<20 {
                group.addTask {
                    let process = try await ChildProcess.start(
                        Self.slipway,
                        [
                            "gitops", "set-image", "--repo", repository.bare, "--branch", "main", "--path", "overlays/env-\(index)/app",
                            "--push", "my-app=ghcr.io/acme/my-app:sha-\(index)",
                        ],
                        environment: ["SLIPWAY_CACHE_DIR": repository.root + "/runner-\(index)"],
                        log: repository.root + "/writer-\(index).log")
                    return (index, try await process.end(within: .seconds(150)), process.output)
                }
            }
            var all: [(Int, ChildProcess.End, String)] = []
            for try await writer in group { all.append(writer) }
            return all
        }
        for (index, end, output) in writers {
            #expect(end == .exited(0), "writer \(index): \(output)")
            #expect(!output.contains("attempts"), "writer \(index) was not serialised: \(output)")
        }
        let log = try await Git(directory: repository.bare).run(["log", "--format=%s", "main"]).split(separator: "\n")
        #expect(log.count == 21, "initial + one commit per writer: \(log)")
        for index in 0..<20 {
            let text = try await Git(directory: repository.bare).run(["show", "main:overlays/env-\(index)/app/kustomization.yaml"])
            #expect(text.contains("newTag: sha-\(index)"), "overlay \(index): \(text)")
        }
    }
}
