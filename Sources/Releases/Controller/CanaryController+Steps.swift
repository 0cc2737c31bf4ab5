import Core
import Foundation
import GitOps
import Manifests
import Logging
import Store
import TargetKit

extension CanaryController {
    // MARK: Record keeping

    func event(_ application: String, _ kind: ReleaseEvent.Kind, _ summary: String, _ detail: [String: String] = [:], at: Date = Date()) async {
        guard let release = active[application]?.release else { return }
        await log.append(ReleaseEvent(at: at, kind: kind, summary: summary, detail: detail), to: release.id)
    }

    func save(_ application: String) async {
        guard let release = active[application]?.release else { return }
        await log.save(release)
    }

    func update(_ application: String, _ change: (inout Active) -> Void) {
        guard var current = active[application] else { return }
        change(&current)
        active[application] = current
    }

    // MARK: Starting

    func start(_ application: Application, spec: CanarySpec, desired: ManifestValue, live: ManifestValue, revision: String,
               templates: [String: AnalysisTemplateSpec]) async throws -> Release {
        let images = Self.images(desired)
        let previous = Self.images(live)
        // Provenance first: the loop must not see the release before its timeline begins with the commit.
        let provenance = await provenance(application, revision: revision)
        let release = try await log.create { id in
            Release(id: id, application: application.name, environment: application.environment, namespace: spec.namespace, canary: spec.name,
                    revision: revision, images: images, previousImages: previous, stepCount: spec.steps.count, startedAt: Date())
        }
        for entry in provenance { await log.append(entry, to: release.id) }
        await log.append(ReleaseEvent(at: Date(), kind: .image, summary: "\(previous.joined(separator: ", ")) → \(images.joined(separator: ", "))",
                                      detail: ["images": images.joined(separator: " "), "previous": previous.joined(separator: " ")]), to: release.id)
        await log.append(ReleaseEvent(at: Date(), kind: .step, summary: "canary release started: \(spec.steps.map(\.description).joined(separator: " → ")) → promote",
                                      detail: ["canary": spec.canaryDeployment, "steps": String(spec.steps.count)]), to: release.id)
        if active[application.name] != nil {
            await finish(application.name, phase: .superseded, message: "revision \(revision.prefix(12)) replaced it", at: Date())
        }
        active[application.name] = Active(release: release, spec: spec, application: application, desired: desired, templates: templates)
        await save(application.name)
        logger.info("release #\(release.id) of \(application.name): \(previous.joined(separator: ",")) → \(images.joined(separator: ","))")
        return release
    }

    static func images(_ deployment: ManifestValue) -> [String] {
        (deployment.value(at: ["spec", "template", "spec", "containers"])?.array ?? []).compactMap { $0["image"]?.string }
    }

    /// The GitOps commit, and the CI run behind it when its message carries a `Slipway-Run:` trailer.
    func provenance(_ application: Application, revision: String) async -> [ReleaseEvent] {
        var directory = GitRevisions.gitDirectory(application.repository)
        if directory == nil, let engine { directory = try? await engine.revisions.checkout(repository: application.repository, revision: revision) }
        guard let directory else { return [] }
        let git = Git(directory: directory)
        let message = (try? await git.run(["log", "-1", "--format=%B", revision])) ?? ""
        let author = (try? await git.run(["log", "-1", "--format=%an <%ae> %cI", revision])) ?? ""
        let subject = message.split(separator: "\n").first.map(String.init) ?? ""
        var events = [ReleaseEvent(at: Date(), kind: .commit, summary: "\(revision.prefix(12)) \(subject)",
                                   detail: ["revision": revision, "author": author, "repository": application.repository])]
        for line in message.split(separator: "\n") where line.hasPrefix("Slipway-Run:") {
            let run = line.dropFirst("Slipway-Run:".count).trimmingCharacters(in: .whitespaces)
            events.append(ReleaseEvent(at: Date(), kind: .ciRun, summary: "CI run \(run) built and pushed the image", detail: ["run": run]))
        }
        return events
    }

    // MARK: Advancing

    func advance(_ application: String) async {
        guard let current = active[application], !current.release.phase.isFinal else { return }
        for decision in await log.decisions(for: current.release) {
            await apply(GateDecision(action: decision.action, actor: decision.actor, at: Date(timeIntervalSince1970: decision.at)), to: application)
        }
        guard let current = active[application], !current.release.phase.isFinal else { return }
        let now = Date()
        do {
            if current.release.phase == .promoting {
                try await continuePromotion(application)
                return
            }
            try await ensureCanary(application, now: now)
            guard let current = active[application], current.canaryAvailable else { return }
            if current.release.stepIndex >= current.spec.backgroundStartingStep {
                try await runBackground(application, now: now)
            }
            guard let current = active[application], !current.release.phase.isFinal else { return }
            if current.release.stepIndex >= current.spec.steps.count {
                try await beginPromotion(application)
                return
            }
            try await runStep(application, current.spec.steps[current.release.stepIndex], now: now)
        } catch {
            logger.warning("release of \(application): \(error)")
            await abortRelease(application, reason: "\(error)")
        }
    }

    func runStep(_ application: String, _ step: CanaryStep, now: Date) async throws {
        guard let current = active[application] else { return }
        switch step {
        case .setWeight(let weight):
            try await setWeights(application, canary: weight)
            await event(application, .weight, "traffic \(100 - weight)/\(weight) (primary/canary)", ["primary": String(100 - weight), "canary": String(weight)])
            update(application) {
                $0.release.canaryWeight = weight
                $0.release.stepIndex += 1
                $0.release.message = "canary at \(weight) %"
            }
            await save(application)
        case .pause(let duration?):
            if let until = current.release.pausedUntil {
                guard now >= until else { return }
                update(application) {
                    $0.release.pausedUntil = nil
                    $0.release.phase = .progressing
                    $0.release.stepIndex += 1
                }
                await save(application)
            } else {
                update(application) {
                    $0.release.pausedUntil = now.addingTimeInterval(duration.seconds)
                    $0.release.phase = .paused
                    $0.release.message = "paused for \(ReleaseDuration.format(duration))"
                }
                await event(application, .step, "pause \(ReleaseDuration.format(duration))")
                await save(application)
            }
        case .pause(nil):
            guard !current.announcedGate else { return }
            update(application) {
                $0.announcedGate = true
                $0.release.waitingAtGate = true
                $0.release.phase = .paused
                $0.release.message = "waiting at the gate: slipway rollout promote \(application)"
            }
            await event(application, .gate, "waiting for promotion (slipway rollout promote \(application)); analysis continues")
            await save(application)
        case .analysis(let names):
            if current.stepRun == nil {
                let run = try await startRun(names, for: current, now: now)
                update(application) {
                    $0.stepRun = run
                    $0.release.message = "analysing \(names.joined(separator: ", "))"
                }
                await event(application, .analysis, "analysis \(names.joined(separator: ", ")) started")
                await save(application)
            }
            guard var run = active[application]?.stepRun, !(active[application]?.release.waitingAtGate ?? false) else { return }
            await measure(application, &run, now: now)
            update(application) { $0.stepRun = run }
            switch run.phase {
            case .successful:
                await event(application, .analysis, "analysis \(run.name): Successful")
                update(application) {
                    $0.stepRun = nil
                    $0.release.stepIndex += 1
                }
                await save(application)
            case .failed, .error:
                await event(application, .analysis, "analysis \(run.name): \(run.phase.rawValue) — \(run.verdictReason ?? "")")
                await abortRelease(application, reason: "analysis \(run.name) \(run.phase.rawValue.lowercased()): \(run.verdictReason ?? "")")
            case .inconclusive:
                // Argo Rollouts pauses on an inconclusive analysis: a person decides.
                await event(application, .analysis, "analysis \(run.name): Inconclusive — \(run.verdictReason ?? ""); waiting for a decision")
                update(application) {
                    $0.release.waitingAtGate = true
                    $0.release.phase = .paused
                    $0.release.message = "analysis inconclusive: promote or abort"
                }
                await save(application)
            case .running, .pending:
                break
            }
        }
    }

    func startRun(_ names: [String], for current: Active, now: Date) async throws -> AnalysisRun {
        let arguments = ["namespace": current.spec.namespace, "service": current.spec.service, "canary": current.spec.canaryDeployment,
                         "primary": current.spec.deployment]
        var metrics: [AnalysisMetric] = []
        for name in names {
            guard let template = template(name, in: current) else { throw StrategyError(problems: ["analysis template \"\(name)\" not found"]) }
            metrics += try template.resolve(arguments).map { metric in
                var named = metric
                if names.count > 1 || template.metrics.count > 1 { named.name = metric.name == name ? name : "\(name)/\(metric.name)" }
                return named
            }
        }
        _ = try? await mesh?.snapshot()
        return AnalysisRun(name: names.joined(separator: ", "), metrics: metrics, startedAt: now)
    }

    /// Takes every measurement that is due and records each in the timeline.
    func measure(_ application: String, _ run: inout AnalysisRun, now: Date) async {
        for metric in run.due(at: now) {
            let started = Date()
            let measurement: MetricMeasurement
            do {
                let sample = try await metrics.measure(metric.provider)
                let (phase, message) = metric.judge(sample)
                measurement = MetricMeasurement(metric: metric.name, phase: phase, query: sample.query, value: sample.valueText, requests: sample.requests,
                                                message: message, startedAt: started, finishedAt: Date())
                if metric.name.hasSuffix("success-rate"), sample.hasData, let value = sample.values.first {
                    update(application) { $0.release.canarySuccessRate = value }
                }
            } catch {
                measurement = MetricMeasurement(metric: metric.name, phase: .error, query: metric.provider.queryText, value: "", message: "\(error)",
                                                startedAt: started, finishedAt: Date())
            }
            run.record(measurement)
            if measurement.phase == .failed, active[application]?.release.firstFailingMeasurementAt == nil {
                update(application) { $0.release.firstFailingMeasurementAt = measurement.finishedAt }
            }
            let requests = measurement.requests.map { ", \($0) requests" } ?? ""
            await event(application, .measurement, "\(metric.name) = \(measurement.value.isEmpty ? "—" : measurement.value)\(requests): \(measurement.phase.rawValue) (\(measurement.message))",
                        ["metric": metric.name, "query": measurement.query, "value": measurement.value, "verdict": measurement.phase.rawValue,
                         "requests": measurement.requests.map(String.init) ?? "", "message": measurement.message], at: measurement.finishedAt)
        }
    }

    func runBackground(_ application: String, now: Date) async throws {
        guard let current = active[application], !current.spec.backgroundAnalysis.isEmpty else { return }
        var run: AnalysisRun
        if let existing = current.background, !existing.phase.isCompleted {
            run = existing
        } else {
            run = try await startRun(current.spec.backgroundAnalysis, for: current, now: now)
            // Background analysis runs until the release ends: each template's metrics measure without end.
            for index in run.metrics.indices { run.metrics[index].count = nil }
            if current.background == nil {
                await event(application, .analysis, "background analysis \(run.name) started (runs until the release ends)")
            }
        }
        await measure(application, &run, now: now)
        update(application) { $0.background = run }
        switch run.phase {
        case .failed, .error:
            await event(application, .analysis, "background analysis \(run.name): \(run.phase.rawValue) — \(run.verdictReason ?? "")")
            await abortRelease(application, reason: "background analysis \(run.name) \(run.phase.rawValue.lowercased()): \(run.verdictReason ?? "")")
        case .inconclusive where !(active[application]?.release.waitingAtGate ?? true):
            await event(application, .analysis, "background analysis \(run.name): Inconclusive — \(run.verdictReason ?? ""); waiting for a decision")
            update(application) {
                $0.background = nil
                $0.release.waitingAtGate = true
                $0.release.phase = .paused
                $0.release.message = "background analysis inconclusive: promote or abort"
            }
            await save(application)
        default:
            break
        }
    }

    // MARK: Promotion and abort

    func beginPromotion(_ application: String) async throws {
        guard let current = active[application] else { return }
        update(application) {
            $0.release.phase = .promoting
            $0.release.message = "promoting: the primary takes \(current.release.images.first ?? "the new version")"
            $0.promotionStartedAt = Date()
        }
        if var background = current.background {
            background.terminate()
            update(application) { $0.background = background }
        }
        await event(application, .promotion, "promotion: \(current.spec.deployment) takes \(current.release.images.joined(separator: ", "))")
        await save(application)
        _ = try await target.apply([current.desired], fieldManager: SyncEngine.fieldManager, force: true)
    }

    func continuePromotion(_ application: String) async throws {
        guard let current = active[application] else { return }
        let key = ObjectKey(.deployment, namespace: current.spec.namespace, name: current.spec.deployment)
        guard let live = try await target.get(key) else { throw ReleaseError.missing("the primary Deployment \(current.spec.deployment) is gone") }
        let health = HealthCheck.health(of: live) ?? Health(.unknown)
        let rolledOut = Self.images(live) == current.release.images && health.status == .healthy
        if health.status == .degraded { throw ReleaseError.promotionFailed(health.message) }
        if !rolledOut {
            if let started = current.promotionStartedAt, Date().timeIntervalSince(started) > current.spec.progressDeadline.seconds {
                throw ReleaseError.promotionFailed("the primary did not finish its rollout within \(ReleaseDuration.format(current.spec.progressDeadline)): \(health.message)")
            }
            return
        }
        try await setWeights(application, canary: 0)
        await event(application, .weight, "traffic 100/0 (primary/canary)", ["primary": "100", "canary": "0"])
        _ = try await target.delete(ObjectKey(.deployment, namespace: current.spec.namespace, name: current.spec.canaryDeployment))
        await event(application, .promotion, "promoted: \(current.spec.deployment) runs \(current.release.images.joined(separator: ", ")); canary removed")
        update(application) { $0.release.canaryWeight = 0 }
        await finish(application, phase: .succeeded, message: "promoted", at: Date())
    }

    /// Traffic back to the primary at once, the canary removed, the revision held, the GitOps commit reverted.
    func abortRelease(_ application: String, reason: String) async {
        guard let current = active[application], !current.release.phase.isFinal else { return }
        do {
            try await setWeights(application, canary: 0)
            await event(application, .rollback, "traffic 100/0 (primary/canary): \(reason)", ["primary": "100", "canary": "0", "reason": reason])
        } catch {
            await event(application, .rollback, "could not move traffic back to the primary: \(error)")
        }
        if current.release.phase == .promoting {
            // The primary already took the new version: git's revert brings the old one back through a sync.
            await event(application, .rollback, "the primary had started taking the new version; the revert restores it")
        }
        _ = try? await target.delete(ObjectKey(.deployment, namespace: current.spec.namespace, name: current.spec.canaryDeployment))
        await event(application, .rollback, "canary \(current.spec.canaryDeployment) removed")
        await engine?.hold(application, revision: current.release.revision)
        update(application) {
            $0.release.canaryWeight = 0
            $0.release.waitingAtGate = false
        }
        do {
            let sha = try await revert.revert(repository: current.application.repository, branch: current.application.branch,
                                              revision: current.release.revision,
                                              reason: "Slipway-Release: \(current.release.id)\nSlipway-Reason: \(reason)")
            update(application) { $0.release.revertRevision = sha }
            await event(application, .revert, "reverted \(current.release.revision.prefix(12)) as \(sha.prefix(12)); revision held from auto-sync",
                        ["revision": current.release.revision, "revert": sha])
        } catch {
            await event(application, .revert, "revision \(current.release.revision.prefix(12)) held from auto-sync; the revert failed: \(error)")
        }
        await finish(application, phase: .aborted, message: reason, at: Date())
    }

    func finish(_ application: String, phase: ReleasePhase, message: String, at: Date) async {
        guard active[application] != nil else { return }
        update(application) {
            $0.release.phase = phase
            $0.release.message = message
            $0.release.finishedAt = at
            $0.release.waitingAtGate = false
        }
        if phase == .superseded { await event(application, .note, "superseded: \(message)") }
        await save(application)
        logger.info("release of \(application): \(phase.rawValue) — \(message)")
        active[application] = nil
    }

    // MARK: Traffic and the canary Deployment

    /// Creates the canary Deployment from the new version, with the canary subset's labels in place of the stable
    /// subset's, and notes when its pods are available (weights rise only then).
    func ensureCanary(_ application: String, now: Date) async throws {
        guard let current = active[application] else { return }
        let key = ObjectKey(.deployment, namespace: current.spec.namespace, name: current.spec.canaryDeployment)
        if current.canaryAppliedAt == nil {
            let labels = try await subsetLabels(current.spec)
            let canary = Self.canaryDeployment(from: current.desired, spec: current.spec, stable: labels.stable, canary: labels.canary,
                                               release: current.release.id)
            _ = try await target.apply([canary], fieldManager: Self.fieldManager, force: true)
            update(application) { $0.canaryAppliedAt = now }
            await event(application, .step, "canary \(current.spec.canaryDeployment) created (\(current.spec.canaryReplicas) replica\(current.spec.canaryReplicas == 1 ? "" : "s"), \(current.release.images.joined(separator: ", ")))")
            return
        }
        guard !current.canaryAvailable else { return }
        guard let live = try await target.get(key) else { throw ReleaseError.missing("the canary Deployment \(key.name) disappeared") }
        let available = live.value(at: ["status", "availableReplicas"])?.int ?? 0
        let observed = (live.value(at: ["status", "observedGeneration"])?.int ?? 0) >= (live.value(at: ["metadata", "generation"])?.int ?? 1)
        if observed && available >= current.spec.canaryReplicas {
            update(application) { $0.canaryAvailable = true }
            let digests = try await runningDigests(of: live, namespace: current.spec.namespace)
            await event(application, .step, "canary pods available (\(available)/\(current.spec.canaryReplicas))"
                            + (digests.isEmpty ? "" : ", running \(digests.joined(separator: ", "))"), ["digests": digests.joined(separator: " ")])
            return
        }
        if let applied = current.canaryAppliedAt, now.timeIntervalSince(applied) > current.spec.progressDeadline.seconds {
            let health = HealthCheck.health(of: live).map(\.description) ?? "unknown"
            throw ReleaseError.canaryUnavailable("canary pods not available within \(ReleaseDuration.format(current.spec.progressDeadline)) (\(health))")
        }
    }

    /// The image digests the pods of a Deployment run (`imageID` of their containers), as the kubelet reports them.
    func runningDigests(of deployment: ManifestValue, namespace: String) async throws -> [String] {
        guard let selector = deployment.value(at: ["spec", "selector", "matchLabels"])?.stringMap, !selector.isEmpty else { return [] }
        var digests: [String] = []
        for pod in try await target.list(.pod, namespace: namespace) {
            let labels = pod.value(at: ["metadata", "labels"])?.stringMap ?? [:]
            // Pods still terminating may belong to an earlier canary that carried the same labels.
            guard selector.allSatisfy({ labels[$0.key] == $0.value }), pod.value(at: ["metadata", "deletionTimestamp"]) == nil else { continue }
            for status in pod.value(at: ["status", "containerStatuses"])?.array ?? [] {
                if let id = status["imageID"]?.string, !id.isEmpty, !digests.contains(id) { digests.append(id) }
            }
        }
        return digests
    }

    func subsetLabels(_ spec: CanarySpec) async throws -> (stable: [String: String], canary: [String: String]) {
        let key = ObjectKey(.destinationRule, namespace: spec.namespace, name: spec.destinationRule)
        guard let rule = try await target.get(key) else { throw ReleaseError.missing("DestinationRule \(spec.destinationRule) is not live") }
        func labels(_ subset: String) throws -> [String: String] {
            guard let entry = rule.value(at: ["spec", "subsets"])?.array?.first(where: { $0["name"]?.string == subset }),
                  let labels = entry["labels"]?.stringMap else {
                throw ReleaseError.missing("DestinationRule \(spec.destinationRule) has no subset \"\(subset)\" with labels")
            }
            return labels
        }
        return (try labels(spec.stableSubset), try labels(spec.canarySubset))
    }

    static func canaryDeployment(from desired: ManifestValue, spec: CanarySpec, stable: [String: String], canary: [String: String], release: Int64) -> ManifestValue {
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
                "annotations": .object(["slipway.dev/release": .string(String(release)), "slipway.dev/canary-of": .string(spec.deployment)]),
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
    func setWeights(_ application: String, canary weight: Int) async throws {
        guard let current = active[application] else { return }
        let key = ObjectKey(.virtualService, namespace: current.spec.namespace, name: current.spec.virtualService)
        guard let live = try await target.get(key) else { throw ReleaseError.missing("VirtualService \(current.spec.virtualService) is not live") }
        var routes = live.value(at: ["spec", "http"])?.array ?? []
        let index = routes.firstIndex { route in
            if let name = current.spec.route { return route["name"]?.string == name }
            let subsets = Set((route["route"]?.array ?? []).compactMap { $0.value(at: ["destination", "subset"])?.string })
            return subsets.contains(current.spec.stableSubset) && subsets.contains(current.spec.canarySubset)
        }
        guard let index else {
            throw ReleaseError.missing("VirtualService \(current.spec.virtualService) has no route sending to both subsets \(current.spec.stableSubset) and \(current.spec.canarySubset)")
        }
        var destinations = routes[index]["route"]?.array ?? []
        for position in destinations.indices {
            switch destinations[position].value(at: ["destination", "subset"])?.string {
            case current.spec.canarySubset: destinations[position]["weight"] = .int(weight)
            case current.spec.stableSubset: destinations[position]["weight"] = .int(100 - weight)
            default: destinations[position]["weight"] = .int(0)
            }
        }
        routes[index]["route"] = .array(destinations)
        var spec = live["spec"] ?? .object([:])
        spec["http"] = .array(routes)
        let object: ManifestValue = .object([
            "apiVersion": live["apiVersion"] ?? .string("networking.istio.io/v1"), "kind": .string("VirtualService"),
            "metadata": .object(["name": .string(key.name), "namespace": .string(key.namespace)]), "spec": spec,
        ])
        _ = try await target.apply([object], fieldManager: Self.fieldManager, force: true)
    }
}
