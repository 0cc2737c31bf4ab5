import Foundation
import Manifests
import TargetKit

/// Keeps Envoy in step with Services, ready pods and Istio's routing objects.
extension LocalTarget {
    func meshSnapshot() async -> MeshSnapshot {
        var snapshot = MeshSnapshot()
        for service in await store.list(.service) {
            guard let key = Self.key(service, .service), let spec = try? ServiceSpec(service) else { continue }
            snapshot.services.append(.init(namespace: key.namespace, name: key.name, spec: spec))
        }
        for pod in await store.list(.pod) where Self.isReady(pod) {
            guard let key = Self.key(pod, .pod), let ip = pod.value(at: ["status", "podIP"])?.string, let address = IPv4Address(ip) else {
                continue
            }
            var named: [String: Int] = [:]
            for container in pod.value(at: ["spec", "containers"])?.array ?? [] {
                for port in container["ports"]?.array ?? [] {
                    if let name = port["name"]?.string, let number = port["containerPort"]?.int { named[name] = number }
                }
            }
            // The owning Deployment: the ReplicaSet's name less its pod-template-hash.
            let owner = pod.value(at: ["metadata", "ownerReferences"])?.array?.first?["name"]?.string
            let hash = Self.labels(pod)["pod-template-hash"]
            let workload = owner.map { name in hash.map { name.hasSuffix("-" + $0) ? String(name.dropLast($0.count + 1)) : name } ?? name }
            snapshot.endpoints.append(
                .init(namespace: key.namespace, labels: Self.labels(pod), address: address, namedPorts: named, workload: workload))
        }
        for rule in await store.list(.destinationRule) {
            guard let key = Self.key(rule, .destinationRule), let spec = try? DestinationRuleSpec(rule) else { continue }
            snapshot.destinationRules.append(.init(namespace: key.namespace, name: key.name, spec: spec))
        }
        for route in await store.list(.virtualService) {
            guard let key = Self.key(route, .virtualService), let spec = try? VirtualServiceSpec(route) else { continue }
            snapshot.virtualServices.append(.init(namespace: key.namespace, name: key.name, spec: spec))
        }
        return snapshot
    }

    func reconcileMesh() async {
        let config = EnvoyConfig(await meshSnapshot())
        guard config != publishedMesh else {
            meshRejection = nil
            return
        }
        do {
            try await mesh.publish(config)
            publishedMesh = config
            meshRejection = nil
        } catch {
            meshRejection = "\(error)"
            record("\(Timestamp.format(Date())) \(error)")
        }
    }

    /// Addresses Envoy still routes to (the configuration it confirmed last): a terminating pod among them keeps
    /// running until a configuration without it is confirmed.
    var routedAddresses: Set<String> {
        Set(publishedMesh?.endpoints.values.flatMap { $0.map(\.address) } ?? [])
    }
}

extension LocalTarget {
    /// Request counts and latency per Service subset, from Envoy (the Target API's metrics).
    public func meshMetrics() async throws -> [SubsetMetrics] {
        guard let config = publishedMesh else { return [] }
        return try await mesh.metrics(config)
    }

    /// The same in Prometheus' text format under Istio's names (`istio_requests_total`, ...).
    public func prometheusMetrics() async throws -> String {
        MeshMetricsFormat.prometheus(try await meshMetrics())
    }
}
