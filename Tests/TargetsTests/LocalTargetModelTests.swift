import Foundation
import Images
import Manifests
import OCI
import TargetKit
import Testing

@testable import Targets

/// The local target's pure parts: field ownership, Istio → Envoy translation, the kubelet's rules.
struct LocalTargetModelTests {
    func object(_ yaml: String) throws -> ManifestValue { try #require(try ManifestYAML.documents(yaml, file: "t.yaml").first?.value) }

    @Test func serverSideApplyOwnsFieldsAndRemovesWhatAManagerDropped() throws {
        var ownership = FieldOwnership()
        let first = try object("spec:\n  replicas: 2\n  paused: false\nmetadata:\n  labels:\n    a: x\n")
        guard case .success(let live) = ownership.apply(first, to: .object([:]), manager: "alice", force: false) else {
            Issue.record("first apply")
            return
        }
        // bob sets the same value: shared, no conflict; a different value: conflict.
        let same = try object("spec:\n  replicas: 2\n")
        guard case .success(let shared) = ownership.apply(same, to: live, manager: "bob", force: false) else {
            Issue.record("shared apply")
            return
        }
        let other = try object("spec:\n  replicas: 5\n")
        var copy = ownership
        guard case .failure(let conflicts) = copy.apply(other, to: shared, manager: "carol", force: false) else {
            Issue.record("no conflict")
            return
        }
        #expect(
            conflicts.list.map(\.manager).sorted() == ["alice", "bob"] && conflicts.list.allSatisfy { $0.field == ["spec", "replicas"] })
        // alice drops `paused` and the label: they go; `replicas` stays because bob owns it too.
        let smaller = try object("metadata:\n  labels:\n    a: x\n")
        guard case .success(let after) = ownership.apply(smaller, to: shared, manager: "alice", force: false) else {
            Issue.record("smaller apply")
            return
        }
        #expect(
            after.value(at: ["spec", "paused"]) == nil && after.value(at: ["spec", "replicas"])?.int == 2
                && after.value(at: ["metadata", "labels", "a"])?.string == "x")
    }

    @Test func envoyConfigFollowsIstio() throws {
        var snapshot = MeshSnapshot()
        let service = try ServiceSpec(
            try object("metadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n    targetPort: http\n"))
        snapshot.services = [.init(namespace: "default", name: "web", spec: service)]
        snapshot.endpoints = [
            .init(
                namespace: "default", labels: ["app": "web", "version": "v1"], address: try #require(IPv4Address("10.0.0.2")),
                namedPorts: ["http": 8080], workload: "web-v1"),
            .init(
                namespace: "default", labels: ["app": "web", "version": "v2"], address: try #require(IPv4Address("10.0.0.3")),
                namedPorts: ["http": 8080], workload: "web-v2"),
            .init(namespace: "other", labels: ["app": "web"], address: try #require(IPv4Address("10.0.0.4")), namedPorts: ["http": 8080]),
        ]
        snapshot.destinationRules = [
            .init(
                namespace: "default", name: "dr",
                spec: try DestinationRuleSpec(
                    try object(
                        """
                        metadata: {name: dr}
                        spec:
                          host: web.default.svc.cluster.local
                          trafficPolicy:
                            loadBalancer: {simple: ROUND_ROBIN}
                          subsets:
                          - {name: v1, labels: {version: v1}}
                          - name: v2
                            labels: {version: v2}
                            trafficPolicy:
                              outlierDetection: {consecutive5xxErrors: 5, interval: 10s, baseEjectionTime: 30s}
                        """)))
        ]
        snapshot.virtualServices = [
            .init(
                namespace: "default", name: "vs",
                spec: try VirtualServiceSpec(
                    try object(
                        """
                        metadata: {name: vs}
                        spec:
                          hosts: [web]
                          http:
                          - match:
                            - headers: {x-canary: {exact: "yes"}}
                            - uri: {prefix: /beta}
                            route:
                            - destination: {host: web, subset: v2}
                          - route:
                            - destination: {host: web, subset: v1}
                              weight: 100
                            - destination: {host: web, subset: v2}
                              weight: 0
                            timeout: 2.5s
                            retries: {attempts: 3, retryOn: "5xx,503"}
                            fault:
                              abort: {httpStatus: 503, percentage: {value: 12.5}}
                        """)))
        ]
        let config = EnvoyConfig(snapshot)
        #expect(config.clusters.keys.sorted() == ["default_web_80", "default_web_80_v1", "default_web_80_v2"])
        #expect(
            config.endpoints["default_web_80"]?.map(\.address) == ["10.0.0.2", "10.0.0.3"], "the other namespace's pod is not selected")
        #expect(
            config.endpoints["default_web_80_v2"] == [EnvoyConfig.Endpoint(address: "10.0.0.3", port: 8080)], "named target port resolved")
        #expect(config.clusters["default_web_80_v1"]?["lb_policy"]?.string == "ROUND_ROBIN")
        #expect(config.clusters["default_web_80_v2"]?.value(at: ["outlier_detection", "consecutive_5xx"])?.int == 5)
        #expect(config.clusters["default_web_80_v2"]?.value(at: ["common_lb_config", "healthy_panic_threshold", "value"])?.int == 0)
        #expect(config.identities["default_web_80_v2"]?.workload == "web-v2" && config.identities["default_web_80_v2"]?.version == "v2")
        let host = try #require(config.virtualHosts.first)
        #expect(host["domains"]?.array?.compactMap(\.string) == ["web", "web.default", "web.default.svc", "web.default.svc.cluster.local"])
        let routes = host["routes"]?.array ?? []
        #expect(routes.count == 3, "one Envoy route per match entry, then the catch-all")
        #expect(routes[0].value(at: ["match", "headers"])?.array?.first?.value(at: ["string_match", "exact"])?.string == "yes")
        #expect(routes[1].value(at: ["match", "prefix"])?.string == "/beta")
        #expect(routes[0].value(at: ["route", "timeout"])?.string == "0s", "Istio sets no timeout; Envoy's default would be 15 s")
        #expect(routes[0].value(at: ["route", "retry_policy", "num_retries"])?.int == 2)
        #expect(
            routes[0].value(at: ["route", "retry_policy", "retry_on"])?.string
                == "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes")
        let last = routes[2]
        #expect(last.value(at: ["route", "cluster"])?.string == "default_web_80_v1", "a 0-weight destination is left out")
        #expect(last.value(at: ["route", "timeout"])?.string == "2.5s")
        #expect(last.value(at: ["route", "retry_policy", "retry_on"])?.string == "5xx,retriable-status-codes")
        #expect(last.value(at: ["route", "retry_policy", "retriable_status_codes"])?.array?.first?.int == 503)
        #expect(
            last.value(at: ["typed_per_filter_config", "envoy.filters.http.fault", "abort", "percentage", "numerator"])?.int == 125_000)
        #expect(config.warnings.isEmpty, "\(config.warnings)")
        let danglingSpec = try VirtualServiceSpec(
            try object(
                """
                metadata: {name: x}
                spec:
                  hosts: [web]
                  http:
                  - route:
                    - destination: {host: web, subset: v3}
                      weight: 100
                    - destination: {host: nowhere}
                      weight: 0
                """))
        let dangling = EnvoyConfig.danglingReferences(danglingSpec, namespace: "default", snapshot: snapshot)
        #expect(dangling == ["Referenced host not found: \"nowhere\"", "Referenced host+subset in destinationrule not found: \"web+v3\""])
    }

    @Test func istioValidation() throws {
        func error(_ yaml: String) -> String? {
            do {
                _ = try VirtualServiceSpec(try object(yaml))
                return nil
            } catch { return "\(error)" }
        }
        #expect(
            error("metadata: {name: a}\nspec:\n  hosts: [x]\n  http:\n  - route:\n    - destination: {host: x}\n      weight: 101\n")?
                .contains("weight 101 must be in range 0..100") == true)
        #expect(error("metadata: {name: a}\nspec:\n  http: []\n")?.contains("virtual service must have at least one host") == true)
        #expect(
            error("metadata: {name: a}\nspec:\n  hosts: [x]\n  http:\n  - route:\n    - destination: {host: x}\n    timeout: soon\n")?
                .contains("invalid duration \"soon\"") == true)
        #expect(
            error(
                "metadata: {name: a}\nspec:\n  hosts: [x]\n  http:\n  - route:\n    - destination: {host: x}\n      weight: 60\n    - "
                    + "destination: {host: y}\n      weight: 40\n"
            ) == nil)
        #expect(
            IstioDuration.parse("1.5s") == .milliseconds(1500) && IstioDuration.envoy(.milliseconds(1500)) == "1.5s"
                && IstioDuration.envoy(.seconds(10)) == "10s")
    }

    @Test func kubeletRules() throws {
        #expect(
            (0...8).map { CrashLoopBackOff.delay(restarts: $0) } == [
                .zero, .seconds(10), .seconds(20), .seconds(40), .seconds(80), .seconds(160), .seconds(300), .seconds(300), .seconds(300),
            ])
        var image = ImageConfig.ContainerConfig()
        image.entrypoint = ["/entry"]
        image.cmd = ["--default"]
        let container = { (yaml: String) throws -> ContainerSpec in
            try #require(
                try DeploymentSpec(
                    try self.object(
                        """
                        metadata: {name: d}
                        spec:
                          selector: {matchLabels: {a: b}}
                          template:
                            metadata: {labels: {a: b}}
                            spec:
                              containers:
                              - name: c
                                image: x:1
                        \(yaml)
                        """)
                ).pod.containers.first)
        }
        #expect(PodRuntime.command(try container(""), image, environment: [:]) == ["/entry", "--default"])
        #expect(
            PodRuntime.command(try container("        args: [--port, $(PORT)]"), image, environment: ["PORT": "80"]) == [
                "/entry", "--port", "80",
            ])
        #expect(
            PodRuntime.command(try container("        command: [/bin/app]"), image, environment: [:]) == ["/bin/app"],
            "a command alone drops the image's CMD")
        #expect(PodRuntime.expand("$(A)-$$(A)-$(MISSING)", ["A": "1"]) == "1-$(A)-$(MISSING)")
        #expect(try container("").imagePullPolicy == "IfNotPresent")
        #expect(PodRuntime.merge(image: ["PATH=/usr/bin", "A=1"], ["A": "2"]) == ["PATH": "/usr/bin", "A": "2"])
    }

    @Test func deploymentValidationMatchesTheAPIServer() throws {
        func error(_ spec: String) -> String? {
            do {
                _ = try DeploymentSpec(try object("metadata: {name: web}\nspec:\n" + spec))
                return nil
            } catch { return "\(error)" }
        }
        let template = "  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - {name: c, image: x:1}\n"
        #expect(
            error("  selector: {matchLabels: {app: web}}\n  replicas: -1\n" + template)
                == "The Deployment.apps \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0")
        #expect(
            error("  selector: {matchLabels: {app: web}}\n  strategy: {rollingUpdate: {maxSurge: 0, maxUnavailable: 0}}\n" + template)
                == "The Deployment.apps \"web\" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 "
                + "when `maxSurge` is 0"
        )
        #expect(
            error(
                "  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n  "
                    + "    - {name: c}\n"
            )
                == "The Deployment.apps \"web\" is invalid: spec.template.spec.containers[0].image: Required value")
        #expect(error("  selector: {matchLabels: {app: web}}\n" + template) == nil)
    }

    @Test func theStoreWatchesVersionsAndPersists() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-store-\(UUID().uuidString.prefix(6))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try ObjectStore(file: "\(directory)/objects.json")
        let events = await store.watch()
        let key = ObjectKey(.configMap, name: "settings")
        let config = try object("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: \"1\"}\n")
        let first = try await store.apply([(key, config)], manager: "me", force: false)
        let again = try await store.apply([(key, config)], manager: "me", force: false)
        #expect(first.map(\.1) == [.created] && again.map(\.1) == [.unchanged])
        var iterator = events.makeAsyncIterator()
        let event = await iterator.next()
        #expect(event?.change == .added && event?.key == key)
        let version = await store.get(key)?.value(at: ["metadata", "resourceVersion"])
        let reopened = try ObjectStore(file: "\(directory)/objects.json")
        let reloaded = await reopened.get(key)
        #expect(reloaded?.value(at: ["data", "a"])?.string == "1" && reloaded?.value(at: ["metadata", "resourceVersion"]) == version)
        #expect(await reopened.managers(of: key)["me"] == [".data.a"])
        let attributes = try FileManager.default.attributesOfItem(atPath: "\(directory)/objects.json")
        #expect((attributes[.posixPermissions] as? Int) == 0o600, "Secrets live in this file: owner only")
    }
}
