import Core
import Foundation
import Images
import Manifests
import OCI
import OCIClient
import OCIRegistry
import SlipwayTesting
import TargetKit
import Targets
import Testing

/// Deployment status through a failing rollout, images that cannot be pulled, and bad input rejected whole.
struct LocalTargetLifecycleTests {
    @Test(.timeLimit(.minutes(3))) func failingRolloutsAndBadInput() async throws {
        if let reason = LocalCluster.unavailableReason {
            Issue.record(Comment(rawValue: reason))
            return
        }
        let cluster = try await LocalCluster(
            versions: ["v1"],
            extraImages: [
                "local/crash:1": """
                FROM local/busybox:1
                CMD ["sh", "-c", "echo starting; exit 3"]

                """
            ])
        try await cluster.use { try await exercise($0) }
    }

    static func deployment(_ name: String, image: String, extra: String = "") -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: \(name)
        spec:
          replicas: 1
        \(extra)  selector:
            matchLabels:
              app: \(name)
          template:
            metadata:
              labels:
                app: \(name)
            spec:
              containers:
              - name: app
                image: \(image)

        """
    }

    func exercise(_ cluster: LocalCluster) async throws {
        // An image whose process exits at once: CrashLoopBackOff, then ProgressDeadlineExceeded.
        try await cluster.apply(Self.deployment("crasher", image: "local/crash:1", extra: "  progressDeadlineSeconds: 3\n"))
        let key = ObjectKey(.deployment, name: "crasher")
        let early = try #require(try await cluster.target.get(key))
        // Progressing from the start: its ReplicaSet created, or already updated (its pod made) when the look comes later.
        #expect(
            early.value(at: ["status", "conditions"])?.array?.contains {
                $0["type"]?.string == "Progressing" && $0["status"]?.string == "True"
                    && ["NewReplicaSetCreated", "ReplicaSetUpdated"].contains($0["reason"]?.string ?? "")
            } == true,
            "\(early["status"]?.jsonText ?? "")")
        let stuck = try await cluster.target.wait(for: key, timeout: .seconds(30)) { object in
            (object?.value(at: ["status", "conditions"])?.array ?? []).contains { $0["reason"]?.string == "ProgressDeadlineExceeded" }
        }
        let conditions = stuck?.value(at: ["status", "conditions"])?.array ?? []
        let progressing = conditions.first { $0["type"]?.string == "Progressing" }
        #expect(progressing?["status"]?.string == "False" && progressing?["reason"]?.string == "ProgressDeadlineExceeded")
        #expect(
            progressing?["message"]?.string?.hasPrefix("ReplicaSet \"crasher-") == true
                && progressing?["message"]?.string?.hasSuffix("\" has timed out progressing.") == true)
        let available = conditions.first { $0["type"]?.string == "Available" }
        #expect(available?["status"]?.string == "False" && available?["reason"]?.string == "MinimumReplicasUnavailable")
        #expect(
            stuck?.value(at: ["status", "availableReplicas"])?.int == 0 && stuck?.value(at: ["status", "unavailableReplicas"])?.int == 1)
        // On a busy machine the deadline can pass before the first start; wait for the first crash.
        var pod = try #require(
            try await cluster.target.list(.pod, namespace: "default").first {
                $0.value(at: ["metadata", "labels", "app"])?.string == "crasher"
            })
        let crashedKey = ObjectKey(.pod, name: try #require(pod.value(at: ["metadata", "name"])?.string))
        // It crashes, is restarted at once, crashes again, and then backs off as the kubelet does.
        pod = try #require(
            try await cluster.target.wait(for: crashedKey, timeout: .seconds(60)) { object in
                object?.value(at: ["status", "containerStatuses"])?.array?.first?.value(at: ["state", "waiting", "reason"])?.string
                    == "CrashLoopBackOff"
            })
        let container = pod.value(at: ["status", "containerStatuses"])?.array?.first
        #expect((container?["restartCount"]?.int ?? 0) >= 1, "restarted: \(container?.jsonText ?? "")")
        let podName = try #require(pod.value(at: ["metadata", "name"])?.string)
        let log = (try? String(contentsOfFile: await cluster.target.logFile(of: ObjectKey(.pod, name: podName)), encoding: .utf8)) ?? ""
        #expect(container?.value(at: ["lastState", "terminated", "exitCode"])?.int == 3, "\(container?.jsonText ?? "") log: \(log)")
        #expect(container?.value(at: ["state", "waiting", "reason"])?.string == "CrashLoopBackOff", "\(container?.jsonText ?? "")")
        #expect(
            container?.value(at: ["state", "waiting", "message"])?.string?.contains("back-off") == true, "\(container?.jsonText ?? "")")
        #expect(log.contains("starting"), "the pod's output is kept: \(log)")

        // An image that cannot be pulled: ErrImagePull, then ImagePullBackOff, as the kubelet reports it. (The
        // "registry" is Envoy's admin port, which answers 404 to everything.)
        try await cluster.apply(Self.deployment("unpullable", image: "127.0.0.1:\(cluster.adminPort)/nothing/here:1"))
        let target = cluster.target
        let pulling = try await Deadline.within(.seconds(60), "the unpullable pod to report a pull failure") {
            while true {
                let pod = try await target.list(.pod, namespace: "default").first {
                    $0.value(at: ["metadata", "labels", "app"])?.string == "unpullable"
                }
                let reason = pod?.value(at: ["status", "containerStatuses"])?.array?.first?.value(at: ["state", "waiting", "reason"])?
                    .string
                if let pod, reason == "ImagePullBackOff" || reason == "ErrImagePull" { return pod }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        #expect(
            pulling.value(at: ["status", "containerStatuses"])?.array?.first?["ready"]?.bool != true, "\(pulling["status"]?.jsonText ?? "")"
        )
        let stalled = try await cluster.target.get(ObjectKey(.deployment, name: "unpullable"))
        #expect((stalled?.value(at: ["status", "availableReplicas"])?.int ?? 0) == 0)

        // An image that is only in a registry is pulled (Slipway's own registry, in process).
        let registryRoot = FileManager.default.temporaryDirectory.appendingPathComponent(
            "slipway-lt-registry-\(UUID().uuidString.prefix(6))"
        ).path
        defer { try? FileManager.default.removeItem(atPath: registryRoot) }
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let registry = Task {
            defer { portSink.finish() }
            try await RegistryServer(storage: try RegistryStorage(root: registryRoot)).run(host: "127.0.0.1", port: 0) {
                portSink.yield($0)
            }
        }
        defer { registry.cancel() }
        var listening = ports.makeAsyncIterator()
        let registryPort = try #require(await listening.next(), "Slipway's registry listens")
        let client = RegistryClient()
        defer { client.shutdown() }
        _ = try await client.push(
            try ImageReference(parsing: "local/app:v1"), from: cluster.store,
            as: try ImageReference(parsing: "127.0.0.1:\(registryPort)/team/app:v9"))
        try await cluster.apply(Self.deployment("pulled", image: "127.0.0.1:\(registryPort)/team/app:v9"))
        try await cluster.waitForRollout("pulled", timeout: .seconds(30))
        let pulledPod = try #require(
            try await cluster.target.list(.pod, namespace: "default").first {
                $0.value(at: ["metadata", "labels", "app"])?.string == "pulled"
            })
        #expect(
            pulledPod.value(at: ["status", "containerStatuses"])?.array?.first?["imageID"]?.string?.hasPrefix(
                "127.0.0.1:\(registryPort)/team/app:v9@sha256:") == true)

        // Bad input is refused whole: the valid Service in the same apply is not stored either.
        let service = """
            apiVersion: v1
            kind: Service
            metadata:
              name: web
            spec:
              selector:
                app: web
              ports:
              - port: 80

            """
        let mismatched = Self.deployment("web", image: "local/app:v1").replacingOccurrences(
            of: "      labels:\n        app: web", with: "      labels:\n        app: other")
        await #expect(
            throws: TargetError.invalid(
                "The Deployment.apps \"web\" is invalid: spec.template.metadata.labels: Invalid value: "
                    + "map[string]string{\"app\":\"other\"}: `selector` does not match template `labels`"
            )
        ) {
            try await cluster.apply(service + "---\n" + mismatched)
        }
        #expect(try await cluster.target.get(ObjectKey(.service, name: "web")) == nil, "nothing half-applied")
        let badWeights = LocalTargetMeshTests.virtualService(primary: 80, canary: 15)
        await #expect(
            throws: TargetError.invalid(
                "admission webhook \"validation.istio.io\" denied the request: configuration is invalid: spec.http[0]: total destination "
                    + "weight 95 != 100 (VirtualService qwik-node-app-vs)"
            )
        ) {
            try await cluster.apply(badWeights)
        }
        do {
            try await cluster.apply("apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n")
            Issue.record("an unknown kind was accepted")
        } catch {
            #expect("\(error)".contains("no matches for kind \"Widget\" in version \"example.com/v1\""))
        }
        // A route to a subset no DestinationRule defines is accepted and reported, as istioctl analyze reports it.
        let results = try await cluster.apply(
            [
                service, LocalTargetMeshTests.destinationRule.replacingOccurrences(of: "qwik-node-app-service", with: "web"),
                LocalTargetMeshTests.virtualService(primary: 90, canary: 10).replacingOccurrences(of: "qwik-node-app-service", with: "web")
                    .replacingOccurrences(of: "subset: canary", with: "subset: canry"),
            ].joined(separator: "---\n"))
        #expect(results.last?.warnings == ["Referenced host+subset in destinationrule not found: \"web+canry\""])

        // Server-side apply: another manager's field is a conflict unless forced.
        let scaled = Self.deployment("crasher", image: "local/crash:1", extra: "  progressDeadlineSeconds: 3\n").replacingOccurrences(
            of: "replicas: 1", with: "replicas: 2")
        do {
            try await cluster.apply(scaled, manager: "other")
            Issue.record("a conflicting apply was accepted")
        } catch {
            #expect("\(error)".contains("Apply failed with 1 conflict: conflict with \"test\": .spec.replicas"), "\(error)")
        }
        let forced = try await cluster.target.apply(
            try ManifestYAML.documents(scaled, file: "x").map(\.value), fieldManager: "other", force: true)
        #expect(forced.first?.outcome == .configured)
        let managers = await cluster.target.store.managers(of: key)
        #expect(managers["other"]?.contains(".spec.replicas") == true && managers["test"]?.contains(".spec.replicas") == false)
        #expect(try await cluster.target.get(key)?.value(at: ["metadata", "generation"])?.int == 2)

        // Deleting the Deployment removes its ReplicaSets and pods.
        #expect(try await cluster.target.delete(key))
        let gone = try await cluster.target.wait(for: ObjectKey(.pod, name: podName), timeout: .seconds(20)) { $0 == nil }
        #expect(gone == nil, "the pod went with its Deployment")
        let podLog = await cluster.target.logFile(of: ObjectKey(.pod, name: podName))
        let podDirectory = URL(fileURLWithPath: podLog).deletingLastPathComponent().path
        #expect(!FileManager.default.fileExists(atPath: podDirectory), "a deleted pod's directory and logs go with it")
        #expect(
            try await cluster.target.list(.replicaSet, namespace: "default").allSatisfy {
                $0.value(at: ["metadata", "name"])?.string?.hasPrefix("crasher") == false
            })
    }
}
