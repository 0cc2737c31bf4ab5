import Foundation
import GitOps
import Manifests
import TargetKit

extension CanaryController {
    // MARK: Durable effects

    /// Carries out one durable effect against the target or git. Each is safe to repeat: applies are declarative,
    /// a deletion of nothing is nothing, a hold is a set, and a revert finds its own earlier commit by the release's key.
    func execute(_ effect: ReleaseEffect, for release: Release) async throws -> EffectOutcome {
        guard let plan = release.plan else { throw StrategyError(problems: ["release #\(release.id) has no plan to work from"]) }
        let spec = plan.spec
        switch effect {
        case .setWeights(let weight):
            try await setWeights(spec, canary: weight)
        case .createCanary:
            let labels = try await subsetLabels(spec)
            let canary = Self.canaryDeployment(
                from: plan.desired, spec: spec, stable: labels.stable, canary: labels.canary, release: release.id)
            _ = try await target.apply([canary], fieldManager: Self.fieldManager, force: true)
        case .removeCanary:
            _ = try await target.delete(ObjectKey(.deployment, namespace: spec.namespace, name: spec.canaryDeployment))
        case .applyPrimary(.new):
            _ = try await target.apply([plan.desired], fieldManager: SyncEngine.fieldManager, force: true)
        case .applyPrimary(.previous):
            var previous = plan.desired
            previous.set(plan.previousTemplate, at: ["spec", "template"])
            _ = try await target.apply([previous], fieldManager: SyncEngine.fieldManager, force: true)
        case .holdRevision:
            let reason = "release #\(release.id) rolled back: \(release.message)"
            try log.hold(release.application, revision: release.revision, reason: reason, release: release.id)
            // The engine keeps its holds in its own history (the same store, unless a host gave it another).
            await engine?.hold(release.application, revision: release.revision, reason: reason)
        case .revertCommit:
            let outcome = try await revert.revert(
                repository: plan.application.repository, branch: plan.application.branch, revision: release.revision,
                reason: "Slipway-Release: \(release.id)\nSlipway-Reason: \(release.message)", key: release.key)
            return .reverted(revision: outcome.revision, alreadyPushed: outcome.alreadyPushed)
        case .startMeasuring, .checkCanary, .checkPrimary, .measure, .record:
            break
        }
        return .done
    }

    // MARK: Reads

    func canaryStatus(_ release: Release) async throws -> CanaryStatus {
        guard let spec = release.plan?.spec else { return CanaryStatus(exists: false) }
        guard let live = try await target.get(ObjectKey(.deployment, namespace: spec.namespace, name: spec.canaryDeployment)) else {
            return CanaryStatus(exists: false)
        }
        let available = live.value(at: ["status", "availableReplicas"])?.int ?? 0
        let current =
            (live.value(at: ["status", "observedGeneration"])?.int ?? 0) >= (live.value(at: ["metadata", "generation"])?.int ?? 1)
        let ready = current && available >= spec.canaryReplicas
        let digests = ready ? try await runningDigests(of: live, namespace: spec.namespace) : []
        return CanaryStatus(
            exists: true, availableReplicas: available, current: current, digests: digests,
            health: HealthCheck.health(of: live).map(\.description) ?? "unknown")
    }

    func primaryStatus(_ release: Release) async throws -> PrimaryStatus {
        guard let spec = release.plan?.spec else { return PrimaryStatus(exists: false) }
        guard let live = try await target.get(ObjectKey(.deployment, namespace: spec.namespace, name: spec.deployment)) else {
            return PrimaryStatus(exists: false)
        }
        let health = HealthCheck.health(of: live) ?? Health(.unknown)
        return PrimaryStatus(exists: true, images: Self.images(live), health: health.status, message: health.message)
    }

    /// One measurement of a metric, judged; a provider that fails gives an Error measurement, never an exception.
    func measure(_ metric: AnalysisMetric) async -> (MetricMeasurement, successRate: Double?) {
        let started = clock()
        do {
            let sample = try await metrics.measure(metric.provider)
            let (phase, message) = metric.judge(sample)
            let rate = metric.name.hasSuffix("success-rate") && sample.hasData ? sample.values.first : nil
            return (
                MetricMeasurement(
                    metric: metric.name, phase: phase, query: sample.query, value: sample.valueText, requests: sample.requests,
                    message: message, startedAt: started, finishedAt: clock()), rate
            )
        } catch {
            return (
                MetricMeasurement(
                    metric: metric.name, phase: .error, query: metric.provider.queryText, value: "", message: "\(error)",
                    startedAt: started, finishedAt: clock()), nil
            )
        }
    }

    /// The image digests the pods of a Deployment run (`imageID` of their containers), as the kubelet reports them.
    func runningDigests(of deployment: ManifestValue, namespace: String) async throws -> [String] {
        guard let selector = deployment.value(at: ["spec", "selector", "matchLabels"])?.stringMap, !selector.isEmpty else { return [] }
        var digests: [String] = []
        for pod in try await target.list(.pod, namespace: namespace) {
            let labels = pod.value(at: ["metadata", "labels"])?.stringMap ?? [:]
            // Pods still terminating may belong to an earlier canary that carried the same labels.
            guard selector.allSatisfy({ labels[$0.key] == $0.value }), pod.value(at: ["metadata", "deletionTimestamp"]) == nil else {
                continue
            }
            for status in pod.value(at: ["status", "containerStatuses"])?.array ?? [] {
                if let id = status["imageID"]?.string, !id.isEmpty, !digests.contains(id) { digests.append(id) }
            }
        }
        return digests
    }

    // MARK: Objects

    func subsetLabels(_ spec: CanarySpec) async throws -> (stable: [String: String], canary: [String: String]) {
        let key = ObjectKey(.destinationRule, namespace: spec.namespace, name: spec.destinationRule)
        guard let rule = try await target.get(key) else {
            throw ReleaseError.missing("DestinationRule \(spec.destinationRule) is not live")
        }
        func labels(_ subset: String) throws -> [String: String] {
            guard let entry = rule.value(at: ["spec", "subsets"])?.array?.first(where: { $0["name"]?.string == subset }),
                let labels = entry["labels"]?.stringMap
            else {
                throw ReleaseError.missing("DestinationRule \(spec.destinationRule) has no subset \"\(subset)\" with labels")
            }
            return labels
        }
        return (try labels(spec.stableSubset), try labels(spec.canarySubset))
    }

    /// The canary Deployment from the new version, with the canary subset's labels in place of the stable subset's.
    static func canaryDeployment(
        from desired: ManifestValue, spec: CanarySpec, stable: [String: String], canary: [String: String], release: Int64
    ) -> ManifestValue {
        func relabel(_ value: ManifestValue?) -> ManifestValue {
            var labels = value?.stringMap ?? [:]
            for key in stable.keys where labels[key] == stable[key] { labels[key] = nil }
            labels.merge(canary) { $1 }
            return .strings(labels)
        }
        var template = desired.value(at: ["spec", "template"]) ?? .object([:])
        template.set(relabel(template.value(at: ["metadata", "labels"])), at: ["metadata", "labels"])
        var object: ManifestValue = .object([
            "apiVersion": .string("apps/v1"), "kind": .string("Deployment"),
            "metadata": .object([
                "name": .string(spec.canaryDeployment), "namespace": .string(spec.namespace),
                "labels": relabel(desired.value(at: ["metadata", "labels"])),
                "annotations": .object(["slipway.dev/release": .string(String(release)), "slipway.dev/canary-of": .string(spec.deployment)]
                ),
            ]),
            "spec": .object(["replicas": .int(spec.canaryReplicas), "template": template]),
        ])
        object.set(.object(["matchLabels": relabel(desired.value(at: ["spec", "selector", "matchLabels"]))]), at: ["spec", "selector"])
        for field in ["minReadySeconds", "progressDeadlineSeconds", "strategy"] {
            if let value = desired.value(at: ["spec", field]) { object.set(value, at: ["spec", field]) }
        }
        return object
    }

    /// Writes the weights of the route that sends to both subsets, as the only writer of them.
    func setWeights(_ spec: CanarySpec, canary weight: Int) async throws {
        let key = ObjectKey(.virtualService, namespace: spec.namespace, name: spec.virtualService)
        guard let live = try await target.get(key) else { throw ReleaseError.missing("VirtualService \(spec.virtualService) is not live") }
        var routes = live.value(at: ["spec", "http"])?.array ?? []
        let index = routes.firstIndex { route in
            if let name = spec.route { return route["name"]?.string == name }
            let subsets = Set((route["route"]?.array ?? []).compactMap { $0.value(at: ["destination", "subset"])?.string })
            return subsets.contains(spec.stableSubset) && subsets.contains(spec.canarySubset)
        }
        guard let index else {
            throw ReleaseError.missing(
                "VirtualService \(spec.virtualService) has no route sending to both subsets \(spec.stableSubset) and \(spec.canarySubset)")
        }
        var destinations = routes[index]["route"]?.array ?? []
        for position in destinations.indices {
            switch destinations[position].value(at: ["destination", "subset"])?.string {
            case spec.canarySubset: destinations[position]["weight"] = .int(weight)
            case spec.stableSubset: destinations[position]["weight"] = .int(100 - weight)
            default: destinations[position]["weight"] = .int(0)
            }
        }
        routes[index]["route"] = .array(destinations)
        var body = live["spec"] ?? .object([:])
        body["http"] = .array(routes)
        let object: ManifestValue = .object([
            "apiVersion": live["apiVersion"] ?? .string("networking.istio.io/v1"), "kind": .string("VirtualService"),
            "metadata": .object(["name": .string(key.name), "namespace": .string(key.namespace)]), "spec": body,
        ])
        _ = try await target.apply([object], fieldManager: Self.fieldManager, force: true)
    }
}
