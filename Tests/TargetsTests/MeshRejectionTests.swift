import Core
import Foundation
import Manifests
import SlipwayTesting
import TargetKit
import Targets
import Testing

/// A routing change Envoy refuses (here a regular expression RE2 cannot compile, which Istio's own validation would
/// let through) fails the apply with Envoy's reason and undoes it: the stored objects and what users are served stay
/// as they were.
struct MeshRejectionTests {
    static func route(match: String) -> String {
        """
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata:
          name: app
        spec:
          hosts: ["app.example.com"]
          http:
          - \(match)route:
            - destination: {host: qwik-node-app-service}

        """
    }

    @Test(.timeLimit(.minutes(3))) func aRefusedRouteFailsTheApplyAndChangesNothing() async throws {
        if let reason = LocalCluster.unavailableReason {
            Issue.record(Comment(rawValue: reason))
            return
        }
        let cluster = try await LocalCluster(versions: ["v1"])
        try await cluster.use { cluster in
            try await cluster.apply(
                [
                    LocalTargetMeshTests.service(),
                    LocalTargetMeshTests.deployment("app", version: "primary", image: "local/app:v1", replicas: 1),
                    Self.route(match: ""),
                ].joined(separator: "---\n"))
            try await cluster.waitForRollout("app")
            try await expectServed(cluster, "v1")
            let before = try await cluster.target.get(ObjectKey(.virtualService, namespace: "default", name: "app"))
            let error = await #expect(throws: TargetError.self) {
                try await cluster.apply(Self.route(match: "match: [{uri: {regex: \"(\"}}]\n    "))
            }
            let message = error?.description ?? ""
            #expect(message.contains("the apply was undone") && message.contains("Envoy rejected"), "\(message)")
            let after = try await cluster.target.get(ObjectKey(.virtualService, namespace: "default", name: "app"))
            #expect(after?["spec"] == before?["spec"], "the stored route is the one Envoy serves")
            try await expectServed(cluster, "v1")
            // A good change afterwards goes through: the refusal left nothing stuck.
            try await cluster.apply(Self.route(match: "match: [{uri: {prefix: \"/\"}}]\n    "))
            try await expectServed(cluster, "v1")
        }
    }

    func expectServed(_ cluster: LocalCluster, _ version: String) async throws {
        try await Deadline.within(.seconds(30), "app.example.com to answer \(version)") {
            while true {
                let answer = try await CapturedCommand.run(
                    "curl", ["-s", "-m", "2", "-H", "Host: app.example.com", "http://127.0.0.1:\(cluster.listenPort)/"],
                    timeout: .seconds(5))
                if answer.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == version { return }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }
}
