import Foundation
import Manifests
import TargetKit

/// The deployment, ReplicaSet and pod controllers of the local target, one pass at a time.
extension LocalTarget {
    static let manager = "slipway-controller"
    static let revisionAnnotation = "deployment.kubernetes.io/revision"

    /// A ReplicaSet's revision number (0 when it has none).
    static func revision(of replicaSet: ManifestValue) -> Int {
        Int(replicaSet.value(at: ["metadata", "annotations", revisionAnnotation])?.string ?? "") ?? 0
    }

    func reconcileWorkloads() async {
        let now = Date()
        for deployment in await store.list(.deployment) { await reconcileDeployment(deployment, now: now) }
        let deployments = Set(await store.list(.deployment).compactMap { $0.value(at: ["metadata", "uid"])?.string })
        for replicaSet in await store.list(.replicaSet) {
            // Owned by a Deployment that is gone: the garbage collector removes it (and its pods follow).
            if let owner = Self.ownerUID(replicaSet), !deployments.contains(owner), let key = Self.key(replicaSet, .replicaSet) {
                await store.remove(key)
                continue
            }
            await reconcileReplicaSet(replicaSet, now: now)
        }
        let replicaSets = Set(await store.list(.replicaSet).compactMap { $0.value(at: ["metadata", "uid"])?.string })
        for pod in await store.list(.pod) {
            guard let key = Self.key(pod, .pod) else { continue }
            if pod.value(at: ["metadata", "deletionTimestamp"]) != nil { continue }
            if let owner = Self.ownerUID(pod), !replicaSets.contains(owner) {
                await markTerminating(key, object: pod)
                continue
            }
            if await pods.claim(key), let request = await podRequest(key, pod) {
                commandSink.yield(.runPod(request))
            }
        }
    }

    static func key(_ object: ManifestValue, _ kind: ObjectKind) -> ObjectKey? {
        guard let name = object.value(at: ["metadata", "name"])?.string else { return nil }
        return ObjectKey(kind, namespace: object.value(at: ["metadata", "namespace"])?.string ?? "default", name: name)
    }

    static func ownerUID(_ object: ManifestValue) -> String? {
        object.value(at: ["metadata", "ownerReferences"])?.array?.first { $0["controller"]?.bool == true }?["uid"]?.string
    }

    static func labels(_ object: ManifestValue) -> [String: String] { object.value(at: ["metadata", "labels"])?.stringMap ?? [:] }

    /// Kubernetes' pod-template-hash: FNV-1a over the template, encoded with its safe alphabet.
    static func templateHash(_ template: ManifestValue) -> String {
        var hash: UInt32 = 2_166_136_261
        for byte in template.jsonText.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String(String(hash).utf8.map { alphabet[Int($0) % alphabet.count] })
    }

    static func ownerReference(_ owner: ManifestValue, kind: ObjectKind) -> ManifestValue {
        .array([
            .object([
                "apiVersion": .string(kind.preferredAPIVersion), "kind": .string(kind.kind),
                "name": owner.value(at: ["metadata", "name"]) ?? .string(""), "uid": owner.value(at: ["metadata", "uid"]) ?? .string(""),
                "controller": .bool(true), "blockOwnerDeletion": .bool(true),
            ])
        ])
    }

    // MARK: Deployments

    func reconcileDeployment(_ deployment: ManifestValue, now: Date) async {
        guard let key = Self.key(deployment, .deployment), let spec = try? DeploymentSpec(deployment),
            let uid = deployment.value(at: ["metadata", "uid"])?.string
        else { return }
        let owned = await store.list(.replicaSet, namespace: key.namespace).filter { Self.ownerUID($0) == uid }
        let hash = Self.templateHash(spec.template)
        let latestRevision = owned.map(Self.revision).max() ?? 0
        let nextRevision = latestRevision + 1
        var created = false
        var newSet = owned.first { Self.labels($0)["pod-template-hash"] == hash }
        if newSet == nil {
            guard !spec.paused else { return }
            var template = spec.template
            template.set(.string(hash), at: ["metadata", "labels", "pod-template-hash"])
            var labels = spec.templateLabels
            labels["pod-template-hash"] = hash
            var selector = spec.selector.matchLabels
            selector["pod-template-hash"] = hash
            var replicaSet: ManifestValue = .object([
                "apiVersion": .string("apps/v1"), "kind": .string("ReplicaSet"),
                "metadata": .object([
                    "labels": .strings(labels), "ownerReferences": Self.ownerReference(deployment, kind: .deployment),
                    "annotations": .strings([Self.revisionAnnotation: String(nextRevision)]),
                ]),
                "spec": .object([
                    "replicas": .int(0), "minReadySeconds": .int(spec.minReadySeconds),
                    "selector": .object(["matchLabels": .strings(selector)]),
                    "template": template,
                ]),
            ])
            let name = "\(key.name)-\(hash)"
            replicaSet = await store.put(
                replicaSet, key: ObjectKey(.replicaSet, namespace: key.namespace, name: name), manager: Self.manager)
            newSet = replicaSet
            created = true
        } else if let current = newSet, Self.revision(of: current) < latestRevision, let setKey = Self.key(current, .replicaSet) {
            // A rollback to an earlier template: that ReplicaSet becomes the newest revision again.
            await store.setMetadata(.string(String(nextRevision)), field: ["annotations", Self.revisionAnnotation], of: setKey)
            newSet = await store.get(setKey)
        }
        guard let newSet, let newKey = Self.key(newSet, .replicaSet) else { return }
        let oldSets = owned.filter { Self.key($0, .replicaSet) != newKey }
        func revision(_ set: ManifestValue) -> RollingUpdate.Revision {
            RollingUpdate.Revision(
                name: set.value(at: ["metadata", "name"])?.string ?? "", replicas: set.value(at: ["spec", "replicas"])?.int ?? 0,
                available: set.value(at: ["status", "availableReplicas"])?.int ?? 0)
        }
        let newRevision = revision(newSet)
        let oldRevisions = oldSets.map(revision)
        guard let rolling = try? spec.rollingUpdate() else { return }
        if !spec.paused {
            switch spec.strategy {
            case .recreate:
                let oldPods = await store.list(.pod, namespace: key.namespace).filter { pod in
                    oldSets.contains { Self.ownerUID(pod) == $0.value(at: ["metadata", "uid"])?.string }
                }
                for set in oldSets where (set.value(at: ["spec", "replicas"])?.int ?? 0) > 0 { await scale(set, to: 0) }
                if oldPods.isEmpty, newRevision.replicas != spec.replicas { await scale(newSet, to: spec.replicas) }
            case .rollingUpdate:
                let target = rolling.scaleUp(new: newRevision, old: oldRevisions)
                if target != newRevision.replicas {
                    await scale(newSet, to: target)
                } else {
                    let scaled = rolling.scaleDown(new: newRevision, old: oldRevisions)
                    for (set, next) in zip(oldSets, scaled) where next.replicas != revision(set).replicas {
                        await scale(set, to: next.replicas)
                    }
                    // Scaling down a Deployment also scales the new revision down.
                    if newRevision.replicas > spec.replicas { await scale(newSet, to: spec.replicas) }
                }
            }
        }
        // Old revisions beyond the history limit go once they have no pods.
        let idle = oldSets.filter {
            ($0.value(at: ["spec", "replicas"])?.int ?? 0) == 0 && ($0.value(at: ["status", "replicas"])?.int ?? 0) == 0
        }
        .sorted { Self.revision(of: $0) < Self.revision(of: $1) }
        for set in idle.dropLast(spec.revisionHistoryLimit) {
            if let setKey = Self.key(set, .replicaSet) { await store.remove(setKey) }
        }
        // Status, from the ReplicaSets' own status.
        let fresh = await store.list(.replicaSet, namespace: key.namespace).filter { Self.ownerUID($0) == uid }
        func counts(_ sets: [ManifestValue]) -> ReplicaCounts {
            sets.reduce(ReplicaCounts.none) { sum, set in
                ReplicaCounts(
                    sum.replicas + (set.value(at: ["status", "replicas"])?.int ?? 0),
                    ready: sum.ready + (set.value(at: ["status", "readyReplicas"])?.int ?? 0),
                    available: sum.available + (set.value(at: ["status", "availableReplicas"])?.int ?? 0))
            }
        }
        let newName = newRevision.name
        let observation = DeploymentObservation(
            generation: deployment.value(at: ["metadata", "generation"])?.int ?? 1, desiredReplicas: spec.replicas,
            maxUnavailable: rolling.maxUnavailable,
            progressDeadline: .seconds(spec.progressDeadlineSeconds), newRevision: newName, createdNewRevision: created,
            updated: counts(fresh.filter { $0.value(at: ["metadata", "name"])?.string == newName }),
            old: counts(fresh.filter { $0.value(at: ["metadata", "name"])?.string != newName }))
        let status = (deploymentStatuses[key] ?? DeploymentStatus()).next(observation, now: now)
        deploymentStatuses[key] = status
        await store.setStatus(Self.manifest(status), of: key)
        if let revision = (await store.get(newKey))?.value(at: ["metadata", "annotations", Self.revisionAnnotation]) {
            await store.setMetadata(revision, field: ["annotations", Self.revisionAnnotation], of: key)
        }
    }

    private func scale(_ set: ManifestValue, to replicas: Int) async {
        guard let key = Self.key(set, .replicaSet) else { return }
        var updated = set
        updated.set(.int(replicas), at: ["spec", "replicas"])
        await store.put(updated, key: key, manager: Self.manager)
    }

    static func manifest(_ status: DeploymentStatus) -> ManifestValue {
        var fields: [String: ManifestValue] = [
            "observedGeneration": .int(status.observedGeneration), "replicas": .int(status.replicas),
            "updatedReplicas": .int(status.updatedReplicas),
            "readyReplicas": .int(status.readyReplicas), "availableReplicas": .int(status.availableReplicas),
            "conditions": .array(
                status.conditions.map { condition in
                    .object([
                        "type": .string(condition.type), "status": .string(condition.status), "reason": .string(condition.reason),
                        "message": .string(condition.message), "lastUpdateTime": .string(Timestamp.format(condition.lastUpdateTime)),
                        "lastTransitionTime": .string(Timestamp.format(condition.lastTransitionTime)),
                    ])
                }),
        ]
        if status.unavailableReplicas > 0 { fields["unavailableReplicas"] = .int(status.unavailableReplicas) }
        return .object(fields)
    }

    // MARK: ReplicaSets

    func reconcileReplicaSet(_ replicaSet: ManifestValue, now: Date) async {
        guard let key = Self.key(replicaSet, .replicaSet), let uid = replicaSet.value(at: ["metadata", "uid"])?.string,
            let template = replicaSet.value(at: ["spec", "template"])
        else { return }
        let desired = replicaSet.value(at: ["spec", "replicas"])?.int ?? 1
        let minReady = replicaSet.value(at: ["spec", "minReadySeconds"])?.int ?? 0
        let all = await store.list(.pod, namespace: key.namespace).filter { Self.ownerUID($0) == uid }
        var active = all.filter { $0.value(at: ["metadata", "deletionTimestamp"]) == nil }
        if active.count < desired {
            for _ in active.count..<desired {
                let suffix = String((0..<5).map { _ in Array("bcdfghjklmnpqrstvwxz2456789").randomElement() ?? "b" })
                let name = "\(key.name)-\(suffix)"
                let pod: ManifestValue = .object([
                    "apiVersion": .string("v1"), "kind": .string("Pod"),
                    "metadata": .object([
                        "labels": template.value(at: ["metadata", "labels"]) ?? .object([:]),
                        "ownerReferences": Self.ownerReference(replicaSet, kind: .replicaSet),
                    ]),
                    "spec": template["spec"] ?? .object([:]),
                    "status": .object(["phase": .string("Pending")]),
                ])
                active.append(await store.put(pod, key: ObjectKey(.pod, namespace: key.namespace, name: name), manager: Self.manager))
            }
        } else if active.count > desired {
            // Not-ready pods go first, then the youngest.
            let ranked = active.sorted { a, b in
                let readyA = Self.isReady(a)
                let readyB = Self.isReady(b)
                if readyA != readyB { return !readyA }
                return (a.value(at: ["metadata", "creationTimestamp"])?.string ?? "")
                    > (b.value(at: ["metadata", "creationTimestamp"])?.string ?? "")
            }
            for pod in ranked.prefix(active.count - desired) {
                if let podKey = Self.key(pod, .pod) { await markTerminating(podKey, object: pod) }
            }
            active = Array(ranked.dropFirst(active.count - desired))
        }
        let ready = active.filter(Self.isReady)
        let available = ready.filter { pod in
            guard minReady > 0 else { return true }
            guard let since = Self.readySince(pod) else { return false }
            return now.timeIntervalSince(since) >= Double(minReady)
        }
        let status: ManifestValue = .object([
            "replicas": .int(active.count), "fullyLabeledReplicas": .int(active.count), "readyReplicas": .int(ready.count),
            "availableReplicas": .int(available.count), "observedGeneration": replicaSet.value(at: ["metadata", "generation"]) ?? .int(1),
        ])
        await store.setStatus(status, of: key)
    }

    static func isReady(_ pod: ManifestValue) -> Bool {
        pod.value(at: ["metadata", "deletionTimestamp"]) == nil
            && (pod.value(at: ["status", "conditions"])?.array ?? []).contains {
                $0["type"]?.string == "Ready" && $0["status"]?.string == "True"
            }
    }

    static func readySince(_ pod: ManifestValue) -> Date? {
        (pod.value(at: ["status", "conditions"])?.array ?? []).first { $0["type"]?.string == "Ready" }?["lastTransitionTime"]?.string
            .flatMap(Timestamp.parse)
    }

    // MARK: Pods

    func markTerminating(_ key: ObjectKey, object: ManifestValue, grace requested: Int? = nil) async {
        guard object.value(at: ["metadata", "deletionTimestamp"]) == nil else { return }
        let grace = max(0, requested ?? object.value(at: ["spec", "terminationGracePeriodSeconds"])?.int ?? 30)
        await store.setMetadata(.int(grace), field: ["deletionGracePeriodSeconds"], of: key)
        await store.setMetadata(.string(Timestamp.format(Date())), field: ["deletionTimestamp"], of: key)
    }

    /// Stops terminating pods (their endpoints are already withdrawn) and removes those whose processes are gone.
    func finishTerminatingPods() async {
        let routed = routedAddresses
        for pod in await store.list(.pod) where pod.value(at: ["metadata", "deletionTimestamp"]) != nil {
            guard let key = Self.key(pod, .pod) else { continue }
            if let address = pod.value(at: ["status", "podIP"])?.string, routed.contains(address) { continue }
            await pods.stop(key, grace: .seconds(pod.value(at: ["metadata", "deletionGracePeriodSeconds"])?.int ?? 30))
            if await pods.hasFinished(key) {
                await store.remove(key)
                await pods.forget(key)
            }
        }
    }

    /// What the pod runtime needs for a Pod object.
    func podRequest(_ key: ObjectKey, _ pod: ManifestValue) async -> PodRequest? {
        guard let podValue = pod["spec"], let uid = pod.value(at: ["metadata", "uid"])?.string,
            let spec = try? PodSpec(podValue, path: "spec", reader: FieldReader(kind: "Pod", name: key.name)),
            let container = spec.containers.first
        else { return nil }
        let store = self.store
        let labels = Self.labels(pod)
        let annotations = pod.value(at: ["metadata", "annotations"])?.stringMap ?? [:]
        return PodRequest(key: key, uid: uid, container: container, gracePeriod: .seconds(spec.terminationGracePeriodSeconds)) {
            address throws(PodFailure) in
            var environment: [String: String] = ["HOSTNAME": String(key.name.prefix(63))]
            for source in container.envFrom {
                let kind: ObjectKind = source.configMap != nil ? .configMap : .secret
                let name = source.configMap ?? source.secret ?? ""
                guard let object = await store.get(ObjectKey(kind, namespace: key.namespace, name: name)) else {
                    if source.optional { continue }
                    throw PodFailure(
                        reason: "CreateContainerConfigError",
                        message: "\(kind == .configMap ? "configmap" : "secret") \"\(name)\" not found")
                }
                for (name, value) in Self.values(of: object) { environment[source.prefix + name] = value }
            }
            for variable in container.env {
                switch variable.source {
                case .value(let text):
                    environment[variable.name] = PodRuntime.expand(text, environment)
                case .configMapKey(let name, let item, let optional), .secretKey(let name, let item, let optional):
                    let isSecret: Bool = if case .secretKey = variable.source { true } else { false }
                    let kind: ObjectKind = isSecret ? .secret : .configMap
                    let object = await store.get(ObjectKey(kind, namespace: key.namespace, name: name))
                    if let value = object.flatMap({ Self.values(of: $0)[item] }) {
                        environment[variable.name] = value
                    } else if !optional {
                        throw PodFailure(
                            reason: "CreateContainerConfigError",
                            message: object == nil
                                ? "\(isSecret ? "secret" : "configmap") \"\(name)\" not found"
                                : "couldn't find key \(item) in \(isSecret ? "Secret" : "ConfigMap") \(key.namespace)/\(name)")
                    }
                case .field(let path):
                    switch path {
                    case "metadata.name": environment[variable.name] = key.name
                    case "metadata.namespace": environment[variable.name] = key.namespace
                    case "metadata.uid": environment[variable.name] = uid
                    case "status.podIP", "status.podIPs": environment[variable.name] = address.description
                    case "status.hostIP", "spec.nodeName": environment[variable.name] = path == "spec.nodeName" ? "local" : "127.0.0.1"
                    case "spec.serviceAccountName": environment[variable.name] = "default"
                    default:
                        let inner = path.split(separator: "'").dropFirst().first.map(String.init) ?? ""
                        environment[variable.name] = path.hasPrefix("metadata.labels") ? labels[inner] ?? "" : annotations[inner] ?? ""
                    }
                }
            }
            return environment
        }
    }

    /// A ConfigMap's `data`, or a Secret's decoded `data`.
    static func values(of object: ManifestValue) -> [String: String] {
        let data = object["data"]?.stringMap ?? [:]
        guard object["kind"]?.string == "Secret" else { return data }
        return data.compactMapValues { Data(base64Encoded: $0).flatMap { String(data: $0, encoding: .utf8) } }
    }
}
