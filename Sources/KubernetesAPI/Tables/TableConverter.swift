import Foundation
import Manifests
import TargetKit

/// `kubectl get`'s tables, computed on the server as the API server does (`Accept: …;as=Table`): the columns of each
/// kind with their priority (1 = only with `-o wide`), one row per object with its metadata.
public struct TableConverter: Sendable {
    public struct Column: Sendable {
        var name: String
        var type: String
        var format: String
        var priority: Int
        var description: String
        var cell: @Sendable (ManifestValue, Date) -> ManifestValue
    }

    public let now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
    }

    /// The table for `objects`; `includeObject` is `None`, `Metadata` (the default) or `Object`.
    public func table(
        _ objects: [ManifestValue], resource: APIResource, includeObject: String?, resourceVersion: String, continueToken: String?,
        headers: Bool = true
    ) -> ManifestValue {
        let columns = Self.columns(resource.kind)
        let date = now()
        var metadata: [String: ManifestValue] = ["resourceVersion": .string(resourceVersion)]
        if let continueToken { metadata["continue"] = .string(continueToken) }
        var table: [String: ManifestValue] = [
            "kind": .string("Table"), "apiVersion": .string("meta.k8s.io/v1"), "metadata": .object(metadata),
            "rows": .array(
                objects.map { object in
                    var row: [String: ManifestValue] = ["cells": .array(columns.map { $0.cell(object, date) })]
                    switch includeObject {
                    case "None": break
                    case "Object": row["object"] = object
                    default:
                        row["object"] = .object([
                            "kind": .string("PartialObjectMetadata"), "apiVersion": .string("meta.k8s.io/v1"),
                            "metadata": object["metadata"] ?? .object([:]),
                        ])
                    }
                    return .object(row)
                }),
        ]
        if headers {
            table["columnDefinitions"] = .array(
                columns.map {
                    .object([
                        "name": .string($0.name), "type": .string($0.type), "format": .string($0.format),
                        "description": .string($0.description), "priority": .int($0.priority),
                    ])
                })
        }
        return .object(table)
    }

    // MARK: Columns

    static func columns(_ kind: ObjectKind) -> [Column] {
        let name = Column(name: "Name", type: "string", format: "name", priority: 0, description: "The object's name.") { object, _ in
            .string(object.value(at: ["metadata", "name"])?.string ?? "")
        }
        let age = Column(name: "Age", type: "string", format: "", priority: 0, description: "Time since the object was created.") {
            object, now in
            .string(Self.age(object, now: now))
        }
        func text(_ title: String, priority: Int = 0, _ value: @escaping @Sendable (ManifestValue) -> String) -> Column {
            Column(name: title, type: "string", format: "", priority: priority, description: title) { object, _ in .string(value(object)) }
        }
        func number(_ title: String, _ value: @escaping @Sendable (ManifestValue) -> Int) -> Column {
            Column(name: title, type: "integer", format: "", priority: 0, description: title) { object, _ in .int(value(object)) }
        }
        @Sendable func int(_ object: ManifestValue, _ path: String...) -> Int { object.value(at: path)?.int ?? 0 }
        let containers = text("Containers", priority: 1) { object in
            Self.containers(object).compactMap { $0["name"]?.string }.joined(separator: ",")
        }
        let images = text("Images", priority: 1) { object in
            Self.containers(object).compactMap { $0["image"]?.string }.joined(separator: ",")
        }
        let selector = text("Selector", priority: 1) { object in
            Self.selectorText(object.value(at: ["spec", "selector"]))
        }
        switch kind {
        case .namespace:
            return [name, text("Status") { $0.value(at: ["status", "phase"])?.string ?? "Active" }, age]
        case .pod:
            return [
                name,
                text("Ready") { pod in
                    let statuses = pod.value(at: ["status", "containerStatuses"])?.array ?? []
                    let total = max(statuses.count, pod.value(at: ["spec", "containers"])?.array?.count ?? 0)
                    return "\(statuses.filter { $0["ready"]?.bool == true }.count)/\(total)"
                },
                text("Status") { Self.podStatus($0) },
                text("Restarts") { pod in
                    String((pod.value(at: ["status", "containerStatuses"])?.array ?? []).reduce(0) { $0 + ($1["restartCount"]?.int ?? 0) })
                },
                age,
                text("IP", priority: 1) { $0.value(at: ["status", "podIP"])?.string ?? "<none>" },
                text("Node", priority: 1) { $0.value(at: ["spec", "nodeName"])?.string ?? "local" },
                text("Nominated Node", priority: 1) { _ in "<none>" },
                text("Readiness Gates", priority: 1) { _ in "<none>" },
            ]
        case .deployment:
            return [
                name,
                text("Ready") { "\(int($0, "status", "readyReplicas"))/\($0.value(at: ["spec", "replicas"])?.int ?? 1)" },
                number("Up-to-date") { int($0, "status", "updatedReplicas") },
                number("Available") { int($0, "status", "availableReplicas") },
                age, containers, images, selector,
            ]
        case .replicaSet:
            return [
                name, number("Desired") { int($0, "spec", "replicas") }, number("Current") { int($0, "status", "replicas") },
                number("Ready") { int($0, "status", "readyReplicas") }, age, containers, images, selector,
            ]
        case .service:
            return [
                name, text("Type") { $0.value(at: ["spec", "type"])?.string ?? "ClusterIP" },
                text("Cluster-IP") { $0.value(at: ["spec", "clusterIP"])?.string ?? "<none>" },
                text("External-IP") { _ in "<none>" },
                text("Port(s)") { object in
                    let ports = (object.value(at: ["spec", "ports"])?.array ?? []).map {
                        "\($0["port"]?.int ?? 0)/\($0["protocol"]?.string ?? "TCP")"
                    }
                    return ports.isEmpty ? "<none>" : ports.joined(separator: ",")
                },
                age,
                text("Selector", priority: 1) { object in
                    let pairs = (object.value(at: ["spec", "selector"])?.stringMap ?? [:]).sorted { $0.key < $1.key }.map {
                        "\($0.key)=\($0.value)"
                    }
                    return pairs.isEmpty ? "<none>" : pairs.joined(separator: ",")
                },
            ]
        case .configMap:
            return [name, number("Data") { ($0["data"]?.object?.count ?? 0) + ($0["binaryData"]?.object?.count ?? 0) }, age]
        case .secret:
            return [name, text("Type") { $0["type"]?.string ?? "Opaque" }, number("Data") { $0["data"]?.object?.count ?? 0 }, age]
        case .event:
            return [
                text("Last Seen") { _ in "<unknown>" }, text("Type") { $0["type"]?.string ?? "" },
                text("Reason") { $0["reason"]?.string ?? "" },
                text("Object") { event in
                    "\((event.value(at: ["involvedObject", "kind"])?.string ?? "").lowercased())/\(event.value(at: ["involvedObject", "name"])?.string ?? "")"
                },
                text("Message") { $0["message"]?.string ?? "" },
            ]
        case .virtualService:
            return [
                name, text("Gateways") { Self.list($0, "gateways") }, text("Hosts") { Self.list($0, "hosts") }, age,
            ]
        case .destinationRule:
            return [name, text("Host") { $0.value(at: ["spec", "host"])?.string ?? "" }, age]
        case ServiceEndpoints.endpoints:
            return [
                name,
                text("Endpoints") { object in
                    let pairs = (object["subsets"]?.array ?? []).flatMap { subset in
                        (subset["addresses"]?.array ?? []).flatMap { address in
                            (subset["ports"]?.array ?? []).map { "\(address["ip"]?.string ?? ""):\($0["port"]?.int ?? 0)" }
                        }
                    }
                    return pairs.isEmpty ? "<none>" : pairs.joined(separator: ",")
                }, age,
            ]
        case ServiceEndpoints.endpointSlice:
            return [
                name, text("AddressType") { $0["addressType"]?.string ?? "" },
                text("Ports") { object in (object["ports"]?.array ?? []).map { String($0["port"]?.int ?? 0) }.joined(separator: ",") },
                text("Endpoints") { object in
                    (object["endpoints"]?.array ?? []).compactMap { $0["addresses"]?.array?.first?.string }.joined(separator: ",")
                }, age,
            ]
        default:
            return [name, age]
        }
    }

    private static func list(_ object: ManifestValue, _ field: String) -> String {
        "[" + (object.value(at: ["spec", field])?.array ?? []).compactMap(\.string).joined(separator: " ") + "]"
    }

    private static func containers(_ object: ManifestValue) -> [ManifestValue] {
        object.value(at: ["spec", "template", "spec", "containers"])?.array ?? []
    }

    static func selectorText(_ selector: ManifestValue?) -> String {
        guard let selector else { return "<none>" }
        var parts = (selector["matchLabels"]?.stringMap ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        for expression in selector["matchExpressions"]?.array ?? [] {
            let key = expression["key"]?.string ?? ""
            let values = (expression["values"]?.array ?? []).compactMap(\.string).joined(separator: ",")
            switch expression["operator"]?.string {
            case "In": parts.append("\(key) in (\(values))")
            case "NotIn": parts.append("\(key) notin (\(values))")
            case "Exists": parts.append(key)
            case "DoesNotExist": parts.append("!\(key)")
            default: break
            }
        }
        return parts.isEmpty ? "<none>" : parts.joined(separator: ",")
    }

    static func podStatus(_ pod: ManifestValue) -> String {
        if pod.value(at: ["metadata", "deletionTimestamp"]) != nil { return "Terminating" }
        for container in pod.value(at: ["status", "containerStatuses"])?.array ?? [] {
            if let reason = container.value(at: ["state", "waiting", "reason"])?.string { return reason }
            if let reason = container.value(at: ["state", "terminated", "reason"])?.string { return reason }
        }
        return pod.value(at: ["status", "phase"])?.string ?? "Pending"
    }

    static func age(_ object: ManifestValue, now: Date) -> String {
        guard let created = object.value(at: ["metadata", "creationTimestamp"])?.string.flatMap(Timestamp.parse) else { return "<unknown>" }
        return humanDuration(now.timeIntervalSince(created))
    }

    /// apimachinery's `HumanDuration`: `45s`, `3m20s`, `2h5m`, `3d4h`, `1y20d`.
    public static func humanDuration(_ interval: TimeInterval) -> String {
        let seconds = Int(interval)
        if seconds < -1 { return "<invalid>" }
        if seconds < 0 { return "0s" }
        if seconds < 120 { return "\(seconds)s" }
        let minutes = seconds / 60
        if minutes < 10 { return seconds % 60 == 0 ? "\(minutes)m" : "\(minutes)m\(seconds % 60)s" }
        if minutes < 180 { return "\(minutes)m" }
        let hours = minutes / 60
        if hours < 8 { return minutes % 60 == 0 ? "\(hours)h" : "\(hours)h\(minutes % 60)m" }
        if hours < 48 { return "\(hours)h" }
        if hours < 24 * 8 { return hours % 24 == 0 ? "\(hours / 24)d" : "\(hours / 24)d\(hours % 24)h" }
        if hours < 24 * 365 * 2 { return "\(hours / 24)d" }
        if hours < 24 * 365 * 8 {
            let days = (hours / 24) % 365
            return days == 0 ? "\(hours / 24 / 365)y" : "\(hours / 24 / 365)y\(days)d"
        }
        return "\(hours / 24 / 365)y"
    }
}
