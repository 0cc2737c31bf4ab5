import Core
import Foundation
import Manifests
import SlipwayTesting
import Synchronization
import TargetKit
import Targets
import Testing

/// Seed 002's canary on the local target, with real Envoy: the DestinationRule's subsets, the VirtualService's
/// 90/10 split, live weight flips under load, and a rolling update under load.
@Suite(.serialized) struct LocalTargetMeshTests {
    static func service() -> String {
        """
        apiVersion: v1
        kind: Service
        metadata:
          name: qwik-node-app-service
        spec:
          selector:
            app: qwik-node-app
          ports:
          - port: 80
            targetPort: 3000

        """
    }

    /// Seed 002's Deployment; the probes keep the seed's shape with shorter delays (the seed waits 15 s).
    static func deployment(_ name: String, version: String, image: String, replicas: Int, extra: String = "") -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: \(name)
          labels:
            app: qwik-node-app
        spec:
          replicas: \(replicas)
        \(extra)  selector:
            matchLabels:
              app: qwik-node-app
              version: \(version)
          template:
            metadata:
              labels:
                app: qwik-node-app
                version: \(version)
            spec:
              containers:
              - name: qwik-node-app
                image: \(image)
                ports:
                - containerPort: 3000
                readinessProbe:
                  httpGet:
                    path: /health
                    port: 3000
                  periodSeconds: 1
                livenessProbe:
                  httpGet:
                    path: /health
                    port: 3000
                  initialDelaySeconds: 5
                  periodSeconds: 2
                resources:
                  limits:
                    memory: 64Mi

        """
    }

    static let destinationRule = """
        apiVersion: networking.istio.io/v1alpha3
        kind: DestinationRule
        metadata:
          name: qwik-node-app-dr
        spec:
          host: qwik-node-app-service
          subsets:
          - name: primary
            labels:
              version: primary
          - name: canary
            labels:
              version: canary

        """

    static func virtualService(primary: Int, canary: Int) -> String {
        """
        apiVersion: networking.istio.io/v1alpha3
        kind: VirtualService
        metadata:
          name: qwik-node-app-vs
        spec:
          hosts:
          - "app.example.com"
          gateways:
          - public-gateway
          http:
          - route:
            - destination:
                host: qwik-node-app-service
                subset: primary
              weight: \(primary)
            - destination:
                host: qwik-node-app-service
                subset: canary
              weight: \(canary)

        """
    }

    @Test(.timeLimit(.minutes(4))) func seedCanaryOnTheLocalTarget() async throws {
        if let reason = LocalCluster.unavailableReason {
            Issue.record(Comment(rawValue: reason))
            return
        }
        let cluster = try await LocalCluster()
        try await cluster.use { try await exercise($0) }
    }

    func exercise(_ cluster: LocalCluster) async throws {
        let results = try await cluster.apply(
            [
                Self.service(), Self.deployment("qwik-node-app-primary", version: "primary", image: "local/app:v1", replicas: 3),
                Self.deployment("qwik-node-app-canary", version: "canary", image: "local/app:v2", replicas: 1),
                Self.destinationRule, Self.virtualService(primary: 90, canary: 10),
            ].joined(separator: "---\n"))
        #expect(results.map(\.outcome) == [.created, .created, .created, .created, .created])
        #expect(results[1].warnings == ["spec.template.spec.containers[0].resources is ignored by the local target"])
        try await cluster.waitForRollout("qwik-node-app-primary")
        try await cluster.waitForRollout("qwik-node-app-canary")
        let primary = try #require(try await cluster.target.get(ObjectKey(.deployment, name: "qwik-node-app-primary")))
        let conditions = primary.value(at: ["status", "conditions"])?.array ?? []
        #expect(
            conditions.contains {
                $0["type"]?.string == "Available" && $0["status"]?.string == "True" && $0["reason"]?.string == "MinimumReplicasAvailable"
            })
        #expect(conditions.contains { $0["type"]?.string == "Progressing" && $0["reason"]?.string == "NewReplicaSetAvailable" })

        // 1. 2,000 requests split 90/10 within ±2 points.
        let client = LoadClient(port: cluster.listenPort, host: "app.example.com")
        let samples = await client.run(count: 2000)
        let failures = samples.filter { $0.status != 200 }
        #expect(failures.isEmpty, "\(failures.count) failed: \(failures.prefix(3).map(\.body))")
        let canary = samples.filter { $0.body == "v2" }.count
        let share = Double(canary) / Double(samples.count) * 100
        print("split: \(canary) of \(samples.count) to the canary = \(share) %")
        #expect(abs(share - 10) <= 2, "canary share \(share) %")
        #expect(samples.filter { $0.body == "v1" }.count + canary == 2000)

        // The same split, as the mesh measured it, under Istio's metric names.
        let metrics = try await cluster.target.meshMetrics()
        let canaryMetrics = try #require(metrics.first { $0.subset == "canary" })
        #expect(
            canaryMetrics.responses[200] == canary && canaryMetrics.workload == "qwik-node-app-canary" && canaryMetrics.version == "canary")
        #expect(metrics.first { $0.subset == "primary" }?.responses[200] == 2000 - canary)
        let exposition = try await cluster.target.prometheusMetrics()
        #expect(
            exposition.contains(
                """
                istio_requests_total{reporter=\"destination\",destination_service=\"qwik-node-app-service.default.svc.cluster.local\",\
                destination_service_name=\"qwik-node-app-service\",destination_service_namespace=\"default\",\
                destination_version=\"canary\",destination_workload=\"qwik-node-app-canary\",\
                destination_workload_namespace=\"default\",source_workload=\"unknown\",response_code=\"200\"} \(canary)\n
                """
            ),
            "\(exposition.prefix(1500))")
        // Histograms arrive with Envoy's 1 s stats flush: poll until they do.
        let target = cluster.target
        let flushed = try await Deadline.within(.seconds(30), "the latency histograms to be flushed") {
            while true {
                let metrics = try await target.meshMetrics().first { $0.subset == "canary" }
                if let metrics, metrics.latencyCount >= canary { return metrics }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        #expect(
            flushed.latencyCount == canary && flushed.latencyBuckets.last?.count == canary, "every request of the split in the histograms")

        // 2. Twenty flips 100/0 ↔ 0/100 under load: nothing lost, and requests sent after an apply returned see it.
        let flips: [(Int, Int)] = (0..<20).map { $0 % 2 == 0 ? (100, 0) : (0, 100) }
        let (marks, load) = try await client.during {
            var marks: [(start: ContinuousClock.Instant, applied: ContinuousClock.Instant, version: String)] = []
            for (primaryWeight, canaryWeight) in flips {
                let start = ContinuousClock.now
                try await cluster.apply(Self.virtualService(primary: primaryWeight, canary: canaryWeight))
                marks.append((start, .now, primaryWeight == 100 ? "v1" : "v2"))
                // Pacing, not waiting: requests land between one flip and the next.
                try await Task.sleep(for: .milliseconds(150))
            }
            return marks
        }
        #expect(load.count > 200, "the load kept going: \(load.count) requests")
        #expect(load.allSatisfy { $0.status == 200 }, "\(load.filter { $0.status != 200 }.count) requests failed during the flips")
        var stale: [Duration] = []
        var sentAfter = 0
        for (index, mark) in marks.enumerated() {
            // From the moment the apply returned until the next apply began, every request sees this flip.
            let end = index + 1 < marks.count ? marks[index + 1].start : ContinuousClock.now
            let window = load.filter { $0.started > mark.applied && $0.finished < end }
            sentAfter += window.count
            stale += window.filter { $0.body != mark.version }.map { $0.started - mark.applied }
        }
        print(
            "flips: \(load.count) requests, \(sentAfter) sent after an apply returned, stale: \(stale.count) at \(stale.sorted().suffix(5))"
        )
        #expect(stale.isEmpty, "\(stale.count) requests sent after a flip was applied went to the old side")

        // 3. A rolling update v1 → v2 with maxUnavailable 0 under load loses nothing.
        try await cluster.apply(Self.virtualService(primary: 100, canary: 0))
        let rolled = Self.deployment(
            "qwik-node-app-primary", version: "primary", image: "local/app:v2", replicas: 3,
            extra: "  strategy:\n    rollingUpdate:\n      maxUnavailable: 0\n      maxSurge: 1\n")
        let (_, rollout) = try await client.during {
            try await cluster.apply(rolled)
            do { try await cluster.waitForRollout("qwik-node-app-primary") } catch {
                for set in try await cluster.target.list(.replicaSet, namespace: nil) { print(set.jsonText) }
                for pod in try await cluster.target.list(.pod, namespace: nil) {
                    print(pod.jsonText)
                    let key = ObjectKey(.pod, name: pod.value(at: ["metadata", "name"])?.string ?? "")
                    print(
                        "log of \(key.name): "
                            + ((try? String(contentsOfFile: await cluster.target.logFile(of: key), encoding: .utf8)) ?? "none"))
                }
                throw error
            }
            // The load goes on until it has seen the new version answer a few times in a row.
            try await Deadline.within(.seconds(30), "v2 to answer after the rollout") {
                var inARow = 0
                while inARow < 10 { inARow = await client.get().body == "v2" ? inARow + 1 : 0 }
            }
        }
        #expect(
            rollout.allSatisfy { $0.status == 200 },
            "\(rollout.filter { $0.status != 200 }.map(\.body).prefix(3)) during the rolling update")
        #expect(rollout.last?.body == "v2" && rollout.first?.body == "v1", "the update went from v1 to v2")
        let sets = try await cluster.target.list(.replicaSet, namespace: "default").filter {
            $0.value(at: ["metadata", "name"])?.string?.hasPrefix("qwik-node-app-primary") == true
        }
        #expect(
            sets.count == 2 && sets.map { $0.value(at: ["spec", "replicas"])?.int ?? -1 }.sorted() == [0, 3],
            "old revision kept at 0 for rollback")

        // 4. A pod killed with SIGKILL restarts; requests keep succeeding meanwhile.
        let pods = try await cluster.target.list(.pod, namespace: "default").filter {
            $0.value(at: ["metadata", "labels", "version"])?.string == "primary"
        }
        let victim = try #require(pods.first)
        let victimKey = ObjectKey(.pod, name: try #require(victim.value(at: ["metadata", "name"])?.string))
        let restartsBefore = victim.value(at: ["status", "containerStatuses"])?.array?.first?["restartCount"]?.int ?? 0
        let killedAt = Shared<ContinuousClock.Instant?>(nil)
        let (_, killed) = try await client.during {
            let ip = try #require(victim.value(at: ["status", "podIP"])?.string)
            let result = try await CapturedCommand.run(
                "sh",
                [
                    "-c",
                    "for p in /proc/[0-9]*; do if grep -q 'httpd' $p/cmdline 2>/dev/null && nsenter --net=$p/ns/net ip -4 addr show eth0 "
                        + "2>/dev/null | grep -q ' \(ip)/'; then echo ${p#/proc/}; fi; done",
                ], timeout: .seconds(10))
            let pids = result.standardOutput.split(separator: "\n").compactMap { Int32($0) }
            #expect(!pids.isEmpty, "found the pod's processes")
            killedAt.value.withLock { $0 = .now }
            for pid in pids { kill(pid, SIGKILL) }
            _ = try await cluster.target.wait(for: victimKey, timeout: .seconds(30)) { object in
                let status = object?.value(at: ["status", "containerStatuses"])?.array?.first
                return (status?["restartCount"]?.int ?? 0) > restartsBefore && status?["ready"]?.bool == true
            }
        }
        let after = try await cluster.target.get(victimKey)
        #expect(
            (after?.value(at: ["status", "containerStatuses"])?.array?.first?["restartCount"]?.int ?? 0) == restartsBefore + 1,
            "the killed container was restarted")
        // Requests in flight on the killed pod's connections fail, as in Kubernetes; none sent after it died may.
        let killInstant = try #require(killedAt.value.withLock { $0 })
        let late = killed.filter { $0.status != 200 && $0.started > killInstant }
        print(
            "kill: \(killed.count) requests, \(killed.filter { $0.status != 200 }.count) failed (in flight), \(late.count) sent later "
                + "failed: \(late.prefix(2).map(\.body))"
        )
        #expect(late.isEmpty, "\(late.count) requests sent after the kill failed: \(late.prefix(2).map(\.body))")
    }
}
