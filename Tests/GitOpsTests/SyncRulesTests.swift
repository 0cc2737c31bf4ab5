import Core
import Foundation
import Manifests
import TargetKit
import Testing

@testable import GitOps

/// Argo CD's sync order and health rules (gitops-engine `sync_tasks.go`, `pkg/health`), as pure values.
@Suite struct SyncRulesTests {
    static func object(_ json: String) throws -> ManifestValue { try ManifestValue(json: Data(json.utf8)) }

    static func named(_ kind: String, _ name: String, wave: String? = nil, apiVersion: String = "v1") -> ManifestValue {
        var metadata: [String: ManifestValue] = ["name": .string(name)]
        if let wave { metadata["annotations"] = .object(["argocd.argoproj.io/sync-wave": .string(wave)]) }
        return .object(["apiVersion": .string(apiVersion), "kind": .string(kind), "metadata": .object(metadata)])
    }

    @Test func applyOrderIsWaveThenKindThenName() {
        let objects = [
            Self.named("VirtualService", "vs", apiVersion: "networking.istio.io/v1"),
            Self.named("Deployment", "b", apiVersion: "apps/v1"), Self.named("Deployment", "a", apiVersion: "apps/v1"),
            Self.named("Service", "svc"), Self.named("ConfigMap", "late", wave: "5"),
            Self.named("Job", "migrate", wave: "-1", apiVersion: "batch/v1"),
            Self.named("Namespace", "demo"), Self.named("Secret", "s"), Self.named("ConfigMap", "cm"),
        ]
        let order = SyncOrder.sorted(objects).map { "\($0["kind"]?.string ?? ""):\($0.value(at: ["metadata", "name"])?.string ?? "")" }
        #expect(
            order == [
                "Job:migrate", "Namespace:demo", "Secret:s", "ConfigMap:cm", "Service:svc", "Deployment:a", "Deployment:b",
                "VirtualService:vs", "ConfigMap:late",
            ])
        #expect(SyncOrder.waves(objects).map(\.wave) == [-1, 0, 5])
        #expect(SyncOrder.pruneOrder(objects).first?.value(at: ["metadata", "name"])?.string == "late")
        #expect(
            SyncOrder.invalidWaves(in: [Self.named("ConfigMap", "x", wave: "soon")]) == [
                "ConfigMap/x: annotation argocd.argoproj.io/sync-wave must be an integer, got \"soon\""
            ])
    }

    @Test func deploymentHealthFollowsArgoCD() throws {
        func deployment(_ spec: String, _ status: String, generation: Int = 2) throws -> Health? {
            HealthCheck.health(
                of: try Self.object(
                    """
                    {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"app","generation":\(generation)},\
                    "spec":{\(spec)},"status":{\(status)}}
                    """))
        }
        #expect(try deployment(#""paused":true,"replicas":3"#, #""observedGeneration":2"#) == Health(.suspended, "Deployment is paused"))
        #expect(try deployment(#""replicas":3"#, #""observedGeneration":1"#)?.status == .progressing)
        #expect(
            try deployment(
                #""replicas":3"#,
                #"""
                "observedGeneration":2,"updatedReplicas":3,"replicas":3,"availableReplicas":3,"conditions":[{"type":"Progressing",\#
                "status":"False","reason":"ProgressDeadlineExceeded"}]
                """#
            )
                == Health(.degraded, "Deployment \"app\" exceeded its progress deadline"))
        #expect(
            try deployment(#""replicas":3"#, #""observedGeneration":2,"updatedReplicas":1,"replicas":4,"availableReplicas":3"#)
                == Health(.progressing, "Waiting for rollout to finish: 1 out of 3 new replicas have been updated..."))
        #expect(
            try deployment(#""replicas":3"#, #""observedGeneration":2,"updatedReplicas":3,"replicas":4,"availableReplicas":3"#)
                == Health(.progressing, "Waiting for rollout to finish: 1 old replicas are pending termination..."))
        #expect(
            try deployment(#""replicas":3"#, #""observedGeneration":2,"updatedReplicas":3,"replicas":3,"availableReplicas":2"#)
                == Health(.progressing, "Waiting for rollout to finish: 2 of 3 updated replicas are available..."))
        // readyReplicas is never consulted.
        #expect(
            try deployment(
                #""replicas":3"#, #""observedGeneration":2,"updatedReplicas":3,"replicas":3,"availableReplicas":3,"readyReplicas":0"#)
                == Health(.healthy))
    }

    @Test func otherKindsFollowArgoCD() throws {
        func health(_ json: String) throws -> Health? { HealthCheck.health(of: try Self.object(json)) }
        #expect(
            try health(
                #"""
                {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"generation":1},"spec":{"replicas":2},\#
                "status":{"observedGeneration":1,"availableReplicas":1}}
                """#
            )?.status == .progressing)
        #expect(
            try health(
                #"""
                {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"generation":1},"spec":{"replicas":2},\#
                "status":{"observedGeneration":1,"conditions":[{"type":"ReplicaFailure","status":"True","message":"quota"}]}}
                """#
            ) == Health(.degraded, "quota"))
        #expect(try health(#"{"apiVersion":"v1","kind":"Service","spec":{"type":"ClusterIP"}}"#) == Health(.healthy))
        #expect(
            try health(#"{"apiVersion":"v1","kind":"Service","spec":{"type":"LoadBalancer"},"status":{"loadBalancer":{}}}"#)?.status
                == .progressing)
        #expect(try health(#"{"apiVersion":"v1","kind":"PersistentVolumeClaim","status":{"phase":"Bound"}}"#)?.status == .healthy)
        #expect(try health(#"{"apiVersion":"v1","kind":"PersistentVolumeClaim","status":{"phase":"Pending"}}"#)?.status == .progressing)
        #expect(try health(#"{"apiVersion":"v1","kind":"PersistentVolumeClaim","status":{"phase":"Lost"}}"#)?.status == .degraded)
        #expect(try health(#"{"apiVersion":"batch/v1","kind":"Job","status":{}}"#)?.status == .progressing)
        #expect(
            try health(
                #"""
                {"apiVersion":"batch/v1","kind":"Job","status":{"conditions":[{"type":"Failed","status":"True",\#
                "message":"BackoffLimitExceeded"}]}}
                """#
            ) == Health(.degraded, "BackoffLimitExceeded"))
        #expect(
            try health(#"{"apiVersion":"batch/v1","kind":"Job","status":{"conditions":[{"type":"Complete","status":"True"}]}}"#)?.status
                == .healthy)
        let crashing =
            #"""
            {"apiVersion":"v1","kind":"Pod","spec":{},"status":{"phase":"Running","containerStatuses":[{"name":"app",\#
            "state":{"waiting":{"reason":"CrashLoopBackOff","message":"back-off 10s"}}}]}}
            """#
        #expect(try health(crashing) == Health(.degraded, "back-off 10s"))
        #expect(
            try health(
                #"""
                {"apiVersion":"v1","kind":"Pod","spec":{},"status":{"phase":"Running","conditions":[{"type":"Ready",\#
                "status":"True"}]}}
                """#)?
                .status == .healthy)
        #expect(
            try health(
                #"""
                {"apiVersion":"v1","kind":"Pod","spec":{},"status":{"phase":"Failed","containerStatuses":[{"name":"app",\#
                "state":{"terminated":{"exitCode":3}}}]}}
                """#
            )
                == Health(.degraded, "container \"app\" failed with exit code 3"))
        #expect(
            try health(#"{"apiVersion":"v1","kind":"Pod","spec":{"restartPolicy":"Never"},"status":{"phase":"Running"}}"#)?.status
                == .progressing)
        #expect(
            try health(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"deletionTimestamp":"2026-01-01T00:00:00Z"}}"#)
                == Health(.progressing, "Pending deletion"))
        // Kinds without a check have no health.
        #expect(try health(#"{"apiVersion":"networking.istio.io/v1","kind":"VirtualService"}"#) == nil)
    }

    @Test func applicationHealthIsTheWorstLiveResource() throws {
        let healthy = try Self.object(#"{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"spec":{}}"#)
        let degraded = try Self.object(
            #"{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"data"},"status":{"phase":"Lost"}}"#)
        let progressing = try Self.object(#"{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j"},"status":{}}"#)
        let custom = try Self.object(#"{"apiVersion":"networking.istio.io/v1","kind":"VirtualService","metadata":{"name":"vs"}}"#)
        #expect(HealthCheck.aggregate([(true, healthy), (true, progressing), (true, custom)]).status == .progressing)
        #expect(
            HealthCheck.aggregate([(true, healthy), (true, degraded), (true, progressing)])
                == Health(.degraded, "PersistentVolumeClaim/data: "))
        // One missing resource is skipped; none live at all is Missing.
        #expect(HealthCheck.aggregate([(true, healthy), (true, nil)]).status == .healthy)
        #expect(HealthCheck.aggregate([(true, nil), (true, nil)]).status == .missing)
        #expect(HealthCheck.aggregate([(true, custom)]).status == .healthy)
    }

    @Test func diffIgnoresStatusServerFieldsAndDefaults() throws {
        let desired = try Self.object(
            #"""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"app","labels":{"a":"b"}},"spec":{"replicas":3,\#
            "template":{"spec":{"containers":[{"name":"app","image":"app:v2","resources":{"limits":{"cpu":"1","memory":"3Gi"}},\#
            "ports":[{"containerPort":"8080"}]}]}}}}
            """#
        )
        let live = try Self.object(
            #"""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"app","labels":{"a":"b"},"uid":"x","generation":4,\#
            "resourceVersion":"9"},"spec":{"replicas":3,"revisionHistoryLimit":10,"template":{"spec":{"containers":[{"name":"app",\#
            "image":"app:v2","imagePullPolicy":"IfNotPresent","resources":{"limits":{"cpu":"1000m","memory":"3072Mi"}},\#
            "ports":[{"containerPort":8080,"protocol":"TCP"}]}]}}},"status":{"replicas":3}}
            """#
        )
        #expect(ManifestDiff.differences(desired: desired, live: live).isEmpty)
        let other = try Self.object(#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"app"},"spec":{"replicas":2}}"#)
        #expect(ManifestDiff.differences(desired: other, live: live) == [".spec.replicas: desired 2, live 3"])
        let weights = try Self.object(
            #"{"spec":{"http":[{"route":[{"destination":{"host":"a"},"weight":100},{"destination":{"host":"a"},"weight":0}]}]}}"#)
        let liveWeights = try Self.object(
            #"{"spec":{"http":[{"route":[{"destination":{"host":"a"},"weight":90},{"destination":{"host":"a"},"weight":10}]}]}}"#)
        #expect(ManifestDiff.differences(desired: weights, live: liveWeights).count == 2)
        #expect(
            ManifestDiff.differences(desired: weights, live: liveWeights, ignoring: [["spec", "http", "*", "route", "*", "weight"]]).isEmpty
        )
        // A Secret written with stringData is stored base64 under data: in sync, until the value changes.
        let secret = try Self.object(#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"stringData":{"token":"abc"}}"#)
        let liveSecret = try Self.object(
            #"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"token":"YWJj"},"type":"Opaque"}"#)
        #expect(ManifestDiff.differences(desired: secret, live: liveSecret).isEmpty)
        let changedSecret = try Self.object(#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"stringData":{"token":"abd"}}"#)
        // ... and a Secret's values never reach a message, in any encoding.
        #expect(ManifestDiff.differences(desired: changedSecret, live: liveSecret) == [".data.token: differs (value hidden)"])
    }

    @Test func applicationConfigErrorsNameLineAndColumn() throws {
        let text = """
            applications:
            - name: demo-qa
              repository: ../gitops.git
              path: overlays/qa
              syncPolicy:
                automated: {prune: yes, selfHeal: true}
            - name: Demo
              path: overlays/pre
              colour: blue

            """
        let error = #expect(throws: (any Error).self) { try ApplicationConfig.parse(text, file: "slipway.yaml") }
        #expect(
            error.map { "\($0)" } == """
                slipway.yaml:6:24: prune must be true or false, got yes
                slipway.yaml:7:3: missing field "repository"
                slipway.yaml:7:9: name "Demo" must be lower-case letters, digits and '-', at most 63 characters
                slipway.yaml:9:3: unknown field "colour", expected one of branch, environment, name, namespace, path, repository, \
                syncPolicy, target
                """)
        let good = try ApplicationConfig.parse(
            "applications:\n- {name: qa, repository: ../g.git, path: overlays/qa, environment: qa}\n", file: "/work/x/slipway.yaml")
        #expect(good.applications == [Application(name: "qa", repository: "/work/g.git", path: "overlays/qa", environment: "qa")])
    }
}
