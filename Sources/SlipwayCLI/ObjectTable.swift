import Foundation
import Manifests
import TargetKit
import Targets

/// `kubectl get`'s tables for the kinds the local target runs.
enum ObjectTable {
    static func render(_ objects: [ManifestValue], kind: ObjectKind, wide: Bool, namespaces: Bool, now: Date = Date()) -> String {
        var header: [String]
        var rows: [[String]] = []
        func age(_ object: ManifestValue) -> String {
            guard let created = object.value(at: ["metadata", "creationTimestamp"])?.string.flatMap(Timestamp.parse) else {
                return "<unknown>"
            }
            let seconds = max(0, Int(now.timeIntervalSince(created)))
            if seconds < 120 { return "\(seconds)s" }
            if seconds < 7200 { return "\(seconds / 60)m" }
            if seconds < 172_800 { return "\(seconds / 3600)h" }
            return "\(seconds / 86400)d"
        }
        func int(_ object: ManifestValue, _ path: [String]) -> Int { object.value(at: path)?.int ?? 0 }
        switch kind {
        case .pod:
            header = ["NAME", "READY", "STATUS", "RESTARTS", "AGE"] + (wide ? ["IP"] : [])
            for pod in objects {
                let container = pod.value(at: ["status", "containerStatuses"])?.array?.first
                let ready = container?["ready"]?.bool == true ? 1 : 0
                var status =
                    container?.value(at: ["state", "waiting", "reason"])?.string ?? container?.value(at: ["state", "terminated", "reason"])?
                    .string
                    ?? pod.value(at: ["status", "phase"])?.string ?? "Pending"
                if pod.value(at: ["metadata", "deletionTimestamp"]) != nil { status = "Terminating" }
                rows.append(
                    [
                        pod.value(at: ["metadata", "name"])?.string ?? "", "\(ready)/1", status,
                        String(container?["restartCount"]?.int ?? 0), age(pod),
                    ]
                        + (wide ? [pod.value(at: ["status", "podIP"])?.string ?? "<none>"] : []))
            }
        case .deployment:
            header = ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
            for object in objects {
                let replicas = object.value(at: ["spec", "replicas"])?.int ?? 1
                rows.append([
                    object.value(at: ["metadata", "name"])?.string ?? "", "\(int(object, ["status", "readyReplicas"]))/\(replicas)",
                    String(int(object, ["status", "updatedReplicas"])), String(int(object, ["status", "availableReplicas"])), age(object),
                ])
            }
        case .replicaSet:
            header = ["NAME", "DESIRED", "CURRENT", "READY", "AGE"]
            for object in objects {
                rows.append([
                    object.value(at: ["metadata", "name"])?.string ?? "", String(int(object, ["spec", "replicas"])),
                    String(int(object, ["status", "replicas"])), String(int(object, ["status", "readyReplicas"])), age(object),
                ])
            }
        case .service:
            header = ["NAME", "TYPE", "PORT(S)", "SELECTOR", "AGE"]
            for object in objects {
                let ports = (object.value(at: ["spec", "ports"])?.array ?? []).map { port in
                    "\(port["port"]?.int ?? 0)/\(port["protocol"]?.string ?? "TCP")"
                }.joined(separator: ",")
                let selector = (object.value(at: ["spec", "selector"])?.stringMap ?? [:]).sorted { $0.key < $1.key }.map {
                    "\($0.key)=\($0.value)"
                }.joined(separator: ",")
                rows.append([
                    object.value(at: ["metadata", "name"])?.string ?? "", object.value(at: ["spec", "type"])?.string ?? "ClusterIP",
                    ports, selector.isEmpty ? "<none>" : selector, age(object),
                ])
            }
        case .virtualService:
            header = ["NAME", "GATEWAYS", "HOSTS", "AGE"]
            for object in objects {
                let list = { (field: String) in
                    (object.value(at: ["spec", field])?.array ?? []).compactMap(\.string).joined(separator: ",")
                }
                rows.append([
                    object.value(at: ["metadata", "name"])?.string ?? "", "[\(list("gateways"))]", "[\(list("hosts"))]", age(object),
                ])
            }
        case .destinationRule:
            header = ["NAME", "HOST", "AGE"]
            for object in objects {
                rows.append([
                    object.value(at: ["metadata", "name"])?.string ?? "", object.value(at: ["spec", "host"])?.string ?? "", age(object),
                ])
            }
        default:
            header = ["NAME", "AGE"]
            for object in objects { rows.append([object.value(at: ["metadata", "name"])?.string ?? "", age(object)]) }
        }
        if namespaces {
            header.insert("NAMESPACE", at: 0)
            for (index, object) in objects.enumerated() {
                rows[index].insert(object.value(at: ["metadata", "namespace"])?.string ?? "", at: 0)
            }
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index] + 3, withPad: " ", startingAt: 0)
            }.joined()
        }.joined(separator: "\n")
    }
}
