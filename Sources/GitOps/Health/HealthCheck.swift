import Foundation
import Manifests

/// Argo CD's built-in health checks (gitops-engine `pkg/health`) for the kinds Slipway deploys. Kinds without a
/// check have no health (nil) and are left out of the application's aggregate, as in Argo CD.
public enum HealthCheck {
    public static func health(of object: ManifestValue) -> Health? {
        if object.value(at: ["metadata", "deletionTimestamp"])?.string != nil { return Health(.progressing, "Pending deletion") }
        let group = (object["apiVersion"]?.string ?? "").split(separator: "/").dropLast().first.map(String.init) ?? ""
        switch (group, object["kind"]?.string ?? "") {
        case ("apps", "Deployment"): return deployment(object)
        case ("apps", "ReplicaSet"): return replicaSet(object)
        case ("apps", "StatefulSet"): return statefulSet(object)
        case ("apps", "DaemonSet"): return daemonSet(object)
        case ("", "Pod"): return pod(object)
        case ("", "Service"): return service(object)
        case ("", "PersistentVolumeClaim"): return persistentVolumeClaim(object)
        case ("batch", "Job"): return job(object)
        case ("networking.k8s.io", "Ingress"): return ingress(object)
        default: return nil
        }
    }

    static func int(_ object: ManifestValue, _ path: String...) -> Int? { object.value(at: path)?.int }

    static func conditions(_ object: ManifestValue) -> [ManifestValue] { object.value(at: ["status", "conditions"])?.array ?? [] }

    static func condition(_ object: ManifestValue, type: String) -> ManifestValue? {
        conditions(object).first { $0["type"]?.string == type }
    }

    static func generationObserved(_ object: ManifestValue) -> Bool {
        (int(object, "metadata", "generation") ?? 0) <= (int(object, "status", "observedGeneration") ?? 0)
    }

    static func deployment(_ object: ManifestValue) -> Health {
        let name = object.value(at: ["metadata", "name"])?.string ?? ""
        if object.value(at: ["spec", "paused"])?.bool == true { return Health(.suspended, "Deployment is paused") }
        guard generationObserved(object) else {
            return Health(.progressing, "Waiting for rollout to finish: observed deployment generation less than desired generation")
        }
        if condition(object, type: "Progressing")?["reason"]?.string == "ProgressDeadlineExceeded" {
            return Health(.degraded, "Deployment \"\(name)\" exceeded its progress deadline")
        }
        let updated = int(object, "status", "updatedReplicas") ?? 0
        if let wanted = int(object, "spec", "replicas"), updated < wanted {
            return Health(.progressing, "Waiting for rollout to finish: \(updated) out of \(wanted) new replicas have been updated...")
        }
        let replicas = int(object, "status", "replicas") ?? 0
        if replicas > updated {
            return Health(.progressing, "Waiting for rollout to finish: \(replicas - updated) old replicas are pending termination...")
        }
        let available = int(object, "status", "availableReplicas") ?? 0
        if available < updated {
            return Health(.progressing, "Waiting for rollout to finish: \(available) of \(updated) updated replicas are available...")
        }
        return Health(.healthy)
    }

    static func replicaSet(_ object: ManifestValue) -> Health {
        guard generationObserved(object) else {
            return Health(.progressing, "Waiting for rollout to finish: observed replica set generation less than desired generation")
        }
        if let failure = condition(object, type: "ReplicaFailure"), failure["status"]?.string == "True" {
            return Health(.degraded, failure["message"]?.string ?? "")
        }
        let wanted = int(object, "spec", "replicas") ?? 1
        let available = int(object, "status", "availableReplicas") ?? 0
        if available < wanted {
            return Health(.progressing, "Waiting for rollout to finish: \(available) out of \(wanted) new replicas are available...")
        }
        return Health(.healthy)
    }

    static func statefulSet(_ object: ManifestValue) -> Health {
        let observed = int(object, "status", "observedGeneration") ?? 0
        if observed == 0 || (int(object, "metadata", "generation") ?? 0) > observed {
            return Health(.progressing, "Waiting for statefulset spec update to be observed...")
        }
        let wanted = int(object, "spec", "replicas") ?? 1
        let ready = int(object, "status", "readyReplicas") ?? 0
        if ready < wanted { return Health(.progressing, "Waiting for \(wanted - ready) pods to be ready...") }
        if object.value(at: ["spec", "updateStrategy", "type"])?.string == "OnDelete" {
            return Health(.healthy, "statefulset has no rolling update strategy")
        }
        if let partition = int(object, "spec", "updateStrategy", "rollingUpdate", "partition") {
            let updated = int(object, "status", "updatedReplicas") ?? 0
            if updated < wanted - partition {
                return Health(
                    .progressing,
                    "Waiting for partitioned roll out to finish: \(updated) out of \(wanted - partition) new pods have been updated...")
            }
            return Health(.healthy, "partitioned roll out complete: \(updated) new pods have been updated...")
        }
        if object.value(at: ["status", "updateRevision"]) != object.value(at: ["status", "currentRevision"]) {
            return Health(.progressing, "waiting for statefulset rolling update to complete")
        }
        return Health(.healthy)
    }

    static func daemonSet(_ object: ManifestValue) -> Health {
        guard generationObserved(object) else {
            return Health(.progressing, "Waiting for rollout to finish: observed daemon set generation less than desired generation")
        }
        if object.value(at: ["spec", "updateStrategy", "type"])?.string == "OnDelete" {
            return Health(.healthy, "daemon set has no rolling update strategy")
        }
        let desired = int(object, "status", "desiredNumberScheduled") ?? 0
        let updated = int(object, "status", "updatedNumberScheduled") ?? 0
        let available = int(object, "status", "numberAvailable") ?? 0
        if updated < desired {
            return Health(
                .progressing, "Waiting for daemon set rollout to finish: \(updated) out of \(desired) new pods have been updated...")
        }
        if available < desired {
            return Health(
                .progressing, "Waiting for daemon set rollout to finish: \(available) of \(desired) updated pods are available...")
        }
        return Health(.healthy)
    }

    static func pod(_ object: ManifestValue) -> Health {
        let restartPolicy = object.value(at: ["spec", "restartPolicy"])?.string ?? "Always"
        let statuses =
            (object.value(at: ["status", "initContainerStatuses"])?.array ?? [])
            + (object.value(at: ["status", "containerStatuses"])?.array ?? [])
        if restartPolicy == "Always" {
            for status in statuses {
                guard let waiting = status.value(at: ["state", "waiting"]), let reason = waiting["reason"]?.string else { continue }
                if reason.hasPrefix("Err") || reason.hasSuffix("Error") || reason.hasSuffix("BackOff") {
                    return Health(.degraded, waiting["message"]?.string ?? reason)
                }
            }
        }
        switch object.value(at: ["status", "phase"])?.string ?? "" {
        case "Pending": return Health(.progressing, object.value(at: ["status", "message"])?.string ?? "")
        case "Succeeded": return Health(.healthy, object.value(at: ["status", "message"])?.string ?? "")
        case "Failed":
            if let message = object.value(at: ["status", "message"])?.string, !message.isEmpty { return Health(.degraded, message) }
            for status in statuses {
                guard let terminated = status.value(at: ["state", "terminated"]) else { continue }
                if terminated["reason"]?.string == "OOMKilled" { return Health(.degraded, "OOMKilled") }
                if let code = terminated["exitCode"]?.int, code != 0 {
                    return Health(.degraded, "container \"\(status["name"]?.string ?? "")\" failed with exit code \(code)")
                }
            }
            return Health(.degraded)
        case "Running":
            guard restartPolicy == "Always" else { return Health(.progressing) }
            if condition(object, type: "Ready")?["status"]?.string == "True" { return Health(.healthy) }
            if let stopped = statuses.first(where: { $0.value(at: ["lastState", "terminated"]) != nil }) {
                let terminated = stopped.value(at: ["lastState", "terminated"])
                let code = terminated?["exitCode"]?.int.map { " with exit code \($0)" } ?? ""
                return Health(.degraded, "container \"\(stopped["name"]?.string ?? "")\" terminated\(code)")
            }
            return Health(.progressing)
        default:
            return Health(.unknown, object.value(at: ["status", "message"])?.string ?? "")
        }
    }

    static func service(_ object: ManifestValue) -> Health {
        guard object.value(at: ["spec", "type"])?.string == "LoadBalancer" else { return Health(.healthy) }
        let ingress = object.value(at: ["status", "loadBalancer", "ingress"])?.array ?? []
        return ingress.isEmpty ? Health(.progressing) : Health(.healthy)
    }

    static func ingress(_ object: ManifestValue) -> Health {
        let ingress = object.value(at: ["status", "loadBalancer", "ingress"])?.array ?? []
        return ingress.isEmpty ? Health(.progressing) : Health(.healthy)
    }

    static func persistentVolumeClaim(_ object: ManifestValue) -> Health {
        switch object.value(at: ["status", "phase"])?.string ?? "" {
        case "Bound": Health(.healthy)
        case "Pending": Health(.progressing)
        case "Lost": Health(.degraded)
        default: Health(.unknown)
        }
    }

    static func job(_ object: ManifestValue) -> Health {
        var failed: ManifestValue?
        var complete = false
        var suspended = false
        for condition in conditions(object) where condition["status"]?.string == "True" {
            switch condition["type"]?.string {
            case "Failed": failed = condition
            case "Complete": complete = true
            case "Suspended": suspended = true
            default: break
            }
        }
        if let failed { return Health(.degraded, failed["message"]?.string ?? "") }
        if suspended { return Health(.suspended, "Job is suspended") }
        if complete { return Health(.healthy, "Job completed") }
        return Health(.progressing, "Job is still running")
    }

    /// The application's health: worst of its resources' health, leaving out those without a check and those
    /// individually missing; Missing when resources are expected and none is live.
    public static func aggregate(_ resources: [(desired: Bool, live: ManifestValue?)]) -> Health {
        guard !resources.isEmpty else { return Health(.healthy) }
        if resources.allSatisfy({ $0.live == nil }) { return Health(.missing, "no resource is live") }
        var worst = Health(.healthy)
        var causes: [String] = []
        for resource in resources {
            guard let live = resource.live, let health = health(of: live) else { continue }
            if health.status > worst.status {
                worst = health
                causes = []
            }
            if health.status == worst.status, health.status != .healthy, causes.count < 3 {
                let kind = live["kind"]?.string ?? ""
                let name = live.value(at: ["metadata", "name"])?.string ?? ""
                causes.append("\(kind)/\(name): \(health.message)")
            }
        }
        return Health(worst.status, causes.joined(separator: "; "))
    }
}
