import Manifests
import TargetKit

/// Endpoints and EndpointSlices, derived when read from Services and their pods (the endpoints controller's work):
/// ready pods as addresses, others as not ready, ports resolved from each Service port's `targetPort` (a number, or a
/// container port's name). Read-only: they follow the Services and pods.
enum ServiceEndpoints {
    static let endpoints = ObjectKind(group: "", kind: "Endpoints")
    static let endpointSlice = ObjectKind(group: "discovery.k8s.io", kind: "EndpointSlice")

    static func isDerived(_ kind: ObjectKind) -> Bool { kind == endpoints || kind == endpointSlice }

    /// The derived objects of `kind` for `services`, from `pods` (all in the same store).
    static func objects(_ kind: ObjectKind, services: [ManifestValue], pods: [ManifestValue]) -> [ManifestValue] {
        services.compactMap { service in
            guard let name = service.value(at: ["metadata", "name"])?.string,
                let namespace = service.value(at: ["metadata", "namespace"])?.string,
                let selector = service.value(at: ["spec", "selector"])?.stringMap, !selector.isEmpty
            else { return nil }
            let members = pods.filter { pod in
                pod.value(at: ["metadata", "namespace"])?.string == namespace && pod.value(at: ["status", "podIP"])?.string != nil
                    && selector.allSatisfy { pod.value(at: ["metadata", "labels", $0.key])?.string == $0.value }
            }
            return kind == endpoints
                ? endpointsObject(service, name: name, namespace: namespace, pods: members)
                : sliceObject(service, name: name, namespace: namespace, pods: members)
        }
    }

    static func ready(_ pod: ManifestValue) -> Bool {
        pod.value(at: ["metadata", "deletionTimestamp"]) == nil
            && (pod.value(at: ["status", "conditions"])?.array ?? []).contains {
                $0["type"]?.string == "Ready" && $0["status"]?.string == "True"
            }
    }

    /// The port a Service port reaches on `pod`.
    static func targetPort(_ port: ManifestValue, pod: ManifestValue) -> Int? {
        let target = port["targetPort"] ?? port["port"]
        if let number = target?.int { return number }
        guard let name = target?.string else { return nil }
        for container in pod.value(at: ["spec", "containers"])?.array ?? [] {
            for containerPort in container["ports"]?.array ?? [] where containerPort["name"]?.string == name {
                return containerPort["containerPort"]?.int
            }
        }
        return nil
    }

    static func reference(_ pod: ManifestValue) -> ManifestValue {
        .object([
            "kind": .string("Pod"), "name": pod.value(at: ["metadata", "name"]) ?? .string(""),
            "namespace": pod.value(at: ["metadata", "namespace"]) ?? .string(""), "uid": pod.value(at: ["metadata", "uid"]) ?? .string(""),
        ])
    }

    static func metadata(_ service: ManifestValue, name: String, namespace: String, labels: [String: String] = [:]) -> ManifestValue {
        var fields: [String: ManifestValue] = [
            "name": .string(name), "namespace": .string(namespace),
            "creationTimestamp": service.value(at: ["metadata", "creationTimestamp"]) ?? .null,
            "resourceVersion": service.value(at: ["metadata", "resourceVersion"]) ?? .string("0"),
        ]
        if !labels.isEmpty { fields["labels"] = .strings(labels) }
        return .object(fields)
    }

    static func endpointsObject(_ service: ManifestValue, name: String, namespace: String, pods: [ManifestValue]) -> ManifestValue {
        let servicePorts = service.value(at: ["spec", "ports"])?.array ?? []
        // One subset per distinct set of resolved ports, as the endpoints controller groups them.
        var subsets: [[ManifestValue]: (ready: [ManifestValue], notReady: [ManifestValue])] = [:]
        for pod in pods {
            let ports: [ManifestValue] = servicePorts.compactMap { port in
                guard let number = targetPort(port, pod: pod) else { return nil }
                var fields: [String: ManifestValue] = ["port": .int(number), "protocol": port["protocol"] ?? .string("TCP")]
                if let portName = port["name"]?.string { fields["name"] = .string(portName) }
                return .object(fields)
            }
            let address: ManifestValue = .object([
                "ip": pod.value(at: ["status", "podIP"]) ?? .string(""), "targetRef": reference(pod), "nodeName": .string("local"),
            ])
            if ready(pod) {
                subsets[ports, default: ([], [])].ready.append(address)
            } else {
                subsets[ports, default: ([], [])].notReady.append(address)
            }
        }
        var object: [String: ManifestValue] = [
            "apiVersion": .string("v1"), "kind": .string("Endpoints"), "metadata": metadata(service, name: name, namespace: namespace),
        ]
        let list: [ManifestValue] = subsets.sorted { $0.key.map(\.jsonText).joined() < $1.key.map(\.jsonText).joined() }.map {
            ports, addresses in
            var subset: [String: ManifestValue] = ["ports": .array(ports)]
            if !addresses.ready.isEmpty { subset["addresses"] = .array(addresses.ready) }
            if !addresses.notReady.isEmpty { subset["notReadyAddresses"] = .array(addresses.notReady) }
            return .object(subset)
        }
        if !list.isEmpty { object["subsets"] = .array(list) }
        return .object(object)
    }

    static func sliceObject(_ service: ManifestValue, name: String, namespace: String, pods: [ManifestValue]) -> ManifestValue {
        let servicePorts = service.value(at: ["spec", "ports"])?.array ?? []
        let ports: [ManifestValue] = servicePorts.compactMap { port in
            guard let first = pods.first, let number = targetPort(port, pod: first) else { return nil }
            var fields: [String: ManifestValue] = ["port": .int(number), "protocol": port["protocol"] ?? .string("TCP")]
            if let portName = port["name"]?.string { fields["name"] = .string(portName) }
            return .object(fields)
        }
        let endpoints: [ManifestValue] = pods.map { pod in
            let terminating = pod.value(at: ["metadata", "deletionTimestamp"]) != nil
            return .object([
                "addresses": .array([pod.value(at: ["status", "podIP"]) ?? .string("")]),
                "conditions": .object([
                    "ready": .bool(ready(pod)), "serving": .bool(ready(pod) || terminating), "terminating": .bool(terminating),
                ]),
                "targetRef": reference(pod), "nodeName": .string("local"),
            ])
        }
        return .object([
            "apiVersion": .string("discovery.k8s.io/v1"), "kind": .string("EndpointSlice"),
            "metadata": metadata(
                service, name: "\(name)-slipway", namespace: namespace,
                labels: ["kubernetes.io/service-name": name, "endpointslice.kubernetes.io/managed-by": "slipway.dev/local-target"]),
            "addressType": .string("IPv4"), "endpoints": .array(endpoints), "ports": .array(ports),
        ])
    }
}
