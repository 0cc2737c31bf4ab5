import Core
import Foundation
import Images
import Manifests
import OCI
import SlipwayTesting
import Synchronization
import TargetKit
import Targets
import Testing

/// An image whose root holds one-character names (`/x` a file, `/y` a directory) — which once crashed unpacking
/// (SIGILL) in `image build`, in later steps of the build, in `image run` and in the local target's daemon running a
/// Deployment of it — builds, unpacks and runs.
struct OneCharacterNameTests {
    @Test(.timeLimit(.minutes(3))) func anImageWithOneCharacterNamesBuildsAndRunsAsADeployment() async throws {
        if let reason = LocalCluster.unavailableReason {
            Issue.record(Comment(rawValue: reason))
            return
        }
        // The build itself goes through the one-character names: a COPY onto /x and later steps over it.
        let cluster = try await LocalCluster(
            versions: ["v1"],
            extraImages: [
                "local/x:1": """
                FROM local/app:v1
                RUN echo one > /x && mkdir -p /y && echo two > /y/z
                RUN cat /x /y/z > /www/both

                """
            ])
        try await cluster.use { cluster in
            // `image run`: the image unpacked and its command run once.
            let lines = Mutex<[String]>([])
            let status = try await ImageRunner(store: cluster.store).run(
                try ImageReference(parsing: "local/x:1"), arguments: ["cat", "/x"]
            ) {
                line in lines.withLock { $0.append(line) }
            }
            #expect(status == 0 && lines.withLock { $0 } == ["one"], "\(lines.withLock { $0 })")
            try await cluster.apply(
                [
                    LocalTargetMeshTests.service(),
                    LocalTargetMeshTests.deployment("x", version: "primary", image: "local/x:1", replicas: 1),
                ].joined(separator: "---\n"))
            try await cluster.waitForRollout("x")
            try await Deadline.within(.seconds(30), "the pod to serve the file built from /x and /y/z") {
                while true {
                    let answer = try await CapturedCommand.run(
                        "curl", ["-s", "-m", "2", "-H", "Host: qwik-node-app-service", "http://127.0.0.1:\(cluster.listenPort)/both"],
                        timeout: .seconds(5))
                    if answer.standardOutput == "one\ntwo\n" { return }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
        }
    }
}
