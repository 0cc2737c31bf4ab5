import Foundation
import Manifests
import TargetKit

/// Translates a mesh snapshot into Envoy v3 resources with Istio's semantics: one EDS cluster per Service port and
/// per DestinationRule subset, one route configuration whose virtual hosts are the Services (round robin over ready
/// endpoints, Istio's default retries, no timeout) and the VirtualServices' hosts (matches, weights, retries,
/// timeout, fault, mirror).
public struct EnvoyConfig: Sendable, Hashable {
    public static let routeName = "slipway"

    /// Cluster name → Cluster resource (without the EDS source, which the publisher adds).
    public var clusters: [String: ManifestValue] = [:]
    /// Cluster name → its endpoints (address, port).
    public var endpoints: [String: [Endpoint]] = [:]
    public var virtualHosts: [ManifestValue] = []
    /// What each cluster stands for, to label its metrics.
    public var identities: [String: ClusterIdentity] = [:]
    /// References that point nowhere and hosts claimed twice, worded like `istioctl analyze`.
    public var warnings: [String] = []

    public struct ClusterIdentity: Sendable, Hashable {
        public var namespace: String
        public var service: String
        public var port: Int
        public var subset: String?
        public var version: String
        public var workload: String
    }

    public struct Endpoint: Sendable, Hashable, Comparable {
        public var address: String
        public var port: Int
        public static func < (a: Endpoint, b: Endpoint) -> Bool { (a.address, a.port) < (b.address, b.port) }
    }

    /// Cluster name for a Service port and an optional subset (no dots, so Envoy's stat tags stay whole).
    public static func clusterName(namespace: String, service: String, port: Int, subset: String?) -> String {
        "\(namespace)_\(service)_\(port)" + (subset.map { "_\($0)" } ?? "")
    }

    public init(_ snapshot: MeshSnapshot) {
        let services = Self.servicesByName(snapshot)
        var rules: [String: MeshSnapshot.Named<DestinationRuleSpec>] = [:]
        for rule in snapshot.destinationRules.sorted(by: { ($0.namespace, $0.name) < ($1.namespace, $1.name) }) {
            guard let service = Self.service(rule.spec.host, namespace: rule.namespace, in: services) else {
                warnings.append("Referenced host not found: \"\(rule.spec.host)\" (DestinationRule \(rule.namespace)/\(rule.name))")
                continue
            }
            let id = "\(service.name).\(service.namespace)"
            if rules[id] == nil {
                rules[id] = rule
            } else {
                warnings.append("Multiple DestinationRules for host \(rule.spec.host): \(rule.namespace)/\(rule.name) is ignored")
            }
        }
        // Clusters and their endpoints.
        for service in snapshot.services.sorted(by: { ($0.namespace, $0.name) < ($1.namespace, $1.name) }) {
            let rule = rules["\(service.name).\(service.namespace)"]
            let selected =
                service.spec.selector.isEmpty
                ? []
                : snapshot.endpoints.filter { endpoint in
                    endpoint.namespace == service.namespace && service.spec.selector.allSatisfy { endpoint.labels[$0.key] == $0.value }
                }
            for port in service.spec.ports {
                let base = rule?.spec.trafficPolicy ?? DestinationRuleSpec.TrafficPolicy()
                var groups: [(String?, [MeshSnapshot.Endpoint], DestinationRuleSpec.TrafficPolicy)] = [(nil, selected, base)]
                for subset in rule?.spec.subsets ?? [] {
                    let members = selected.filter { endpoint in subset.labels.allSatisfy { endpoint.labels[$0.key] == $0.value } }
                    groups.append((subset.name, members, base.overridden(by: subset.trafficPolicy)))
                }
                for (subset, members, policy) in groups {
                    let name = Self.clusterName(namespace: service.namespace, service: service.name, port: port.port, subset: subset)
                    let versions = Set(members.compactMap { $0.labels["version"] })
                    let workloads = Set(members.compactMap(\.workload))
                    let subsetVersion = rule?.spec.subsets.first { $0.name == subset }?.labels["version"]
                    identities[name] = ClusterIdentity(
                        namespace: service.namespace, service: service.name, port: port.port, subset: subset,
                        version: subsetVersion ?? (versions.count == 1 ? versions.first ?? "unknown" : subset ?? "unknown"),
                        workload: workloads.count == 1 ? workloads.first ?? "unknown" : "unknown")
                    clusters[name] = Self.cluster(name, policy: policy)
                    endpoints[name] = members.compactMap { endpoint in
                        let number: Int? =
                            switch port.targetPort {
                            case .number(let number): number
                            case .name(let portName): endpoint.namedPorts[portName]
                            }
                        return number.map { Endpoint(address: endpoint.address.description, port: $0) }
                    }.sorted()
                }
            }
        }
        // Virtual hosts: VirtualServices first (oldest first, as Istio orders them), then the Services they leave.
        var claimed: Set<String> = []
        var routedServices: Set<String> = []
        for virtualService in snapshot.virtualServices.sorted(by: { ($0.namespace, $0.name) < ($1.namespace, $1.name) }) {
            let spec = virtualService.spec
            let mesh = spec.gateways.isEmpty || spec.gateways.contains("mesh")
            var domains: [String] = []
            for host in spec.hosts {
                if let service = Self.service(host, namespace: virtualService.namespace, in: services), mesh {
                    routedServices.insert("\(service.name).\(service.namespace)")
                    domains += Self.domains(of: service)
                } else {
                    domains.append(host)
                }
            }
            let fresh = domains.filter { !claimed.contains($0) }
            if fresh.count < domains.count {
                warnings.append(
                    "Host \(domains.filter(claimed.contains).joined(separator: ", ")) is already routed by an earlier VirtualService; "
                        + "VirtualService \(virtualService.namespace)/\(virtualService.name) is ignored for it"
                )
            }
            guard !fresh.isEmpty else { continue }
            claimed.formUnion(fresh)
            var routes: [ManifestValue] = []
            for route in spec.http {
                let action = routeAction(
                    route, namespace: virtualService.namespace, services: services, rules: rules,
                    source: "\(virtualService.namespace)/\(virtualService.name)")
                let matches = route.matches.isEmpty ? [ManifestValue.object(["prefix": .string("/")])] : route.matches.map(Self.match)
                for match in matches {
                    var entry: [String: ManifestValue] = ["match": match, "route": action]
                    if let fault = route.fault {
                        entry["typed_per_filter_config"] = .object(["envoy.filters.http.fault": Self.fault(fault)])
                    }
                    if let name = route.name { entry["name"] = .string(name) }
                    routes.append(.object(entry))
                }
                if route.matches.isEmpty { break }
            }
            virtualHosts.append(
                .object([
                    "name": .string("vs_\(virtualService.namespace)_\(virtualService.name)"),
                    "domains": .array(fresh.map(ManifestValue.string)), "routes": .array(routes),
                ]))
        }
        for service in snapshot.services.sorted(by: { ($0.namespace, $0.name) < ($1.namespace, $1.name) })
        where !routedServices.contains("\(service.name).\(service.namespace)") {
            guard let port = service.spec.ports.first else { continue }
            let domains = Self.domains(of: service).filter { !claimed.contains($0) }
            guard !domains.isEmpty else { continue }
            claimed.formUnion(domains)
            let cluster = Self.clusterName(namespace: service.namespace, service: service.name, port: port.port, subset: nil)
            let action: [String: ManifestValue] = [
                "cluster": .string(cluster), "timeout": .string("0s"), "retry_policy": Self.retryPolicy(nil),
            ]
            virtualHosts.append(
                .object([
                    "name": .string("svc_\(service.namespace)_\(service.name)"), "domains": .array(domains.map(ManifestValue.string)),
                    "routes": .array([.object(["match": .object(["prefix": .string("/")]), "route": .object(action)])]),
                ]))
        }
        warnings.sort()
    }

    /// The route configuration resource.
    public var routeConfiguration: ManifestValue {
        .object([
            "@type": .string("type.googleapis.com/envoy.config.route.v3.RouteConfiguration"), "name": .string(Self.routeName),
            "virtual_hosts": .array(virtualHosts),
        ])
    }

    /// Services by `name.namespace`.
    static func servicesByName(_ snapshot: MeshSnapshot) -> [String: MeshSnapshot.Service] {
        Dictionary(snapshot.services.map { ("\($0.name).\($0.namespace)", $0) }, uniquingKeysWith: { first, _ in first })
    }

    static func service(_ host: String, namespace: String, in services: [String: MeshSnapshot.Service]) -> MeshSnapshot.Service? {
        let parts = host.split(separator: ".").map(String.init)
        guard let name = parts.first else { return nil }
        if parts.count == 1 { return services["\(name).\(namespace)"] }
        let suffix = parts.dropFirst(2).joined(separator: ".")
        guard parts.count == 2 || suffix == "svc" || suffix == "svc.cluster.local" else { return nil }
        return services["\(name).\(parts[1])"]
    }

    static func domains(of service: MeshSnapshot.Service) -> [String] {
        let base = service.name
        let namespace = service.namespace
        return [base, "\(base).\(namespace)", "\(base).\(namespace).svc", "\(base).\(namespace).svc.cluster.local"]
    }

    static func cluster(_ name: String, policy: DestinationRuleSpec.TrafficPolicy) -> ManifestValue {
        let maximum = ManifestValue.int(4_294_967_295)
        var cluster: [String: ManifestValue] = [
            "@type": .string("type.googleapis.com/envoy.config.cluster.v3.Cluster"),
            "name": .string(name), "type": .string("EDS"),
            "connect_timeout": .string(IstioDuration.envoy(policy.connectTimeout ?? .seconds(10))),
            "lb_policy": .string(Self.lbPolicy(policy.loadBalancer)),
            "circuit_breakers": .object([
                "thresholds": .array([
                    .object([
                        "max_connections": maximum, "max_pending_requests": maximum,
                        "max_requests": maximum, "max_retries": maximum,
                    ])
                ])
            ]),
        ]
        if policy.hasOutlierDetection {
            var outlier: [String: ManifestValue] = ["enforcing_success_rate": .int(0)]
            if let count = policy.consecutive5xxErrors {
                outlier["consecutive_5xx"] = .int(count)
                outlier["enforcing_consecutive_5xx"] = .int(count == 0 ? 0 : 100)
            } else {
                outlier["enforcing_consecutive_5xx"] = .int(0)
            }
            if let count = policy.consecutiveGatewayErrors {
                outlier["consecutive_gateway_failure"] = .int(count)
                outlier["enforcing_consecutive_gateway_failure"] = .int(count == 0 ? 0 : 100)
            }
            if let interval = policy.interval { outlier["interval"] = .string(IstioDuration.envoy(interval)) }
            if let base = policy.baseEjectionTime { outlier["base_ejection_time"] = .string(IstioDuration.envoy(base)) }
            if let percent = policy.maxEjectionPercent { outlier["max_ejection_percent"] = .int(percent) }
            cluster["outlier_detection"] = .object(outlier)
            cluster["common_lb_config"] = .object(["healthy_panic_threshold": .object(["value": .int(0)])])
        }
        return .object(cluster)
    }

    static func lbPolicy(_ simple: String?) -> String {
        switch simple {
        case "ROUND_ROBIN": "ROUND_ROBIN"
        case "RANDOM": "RANDOM"
        default: "LEAST_REQUEST"
        }
    }

    /// Istio's retries: unset → 2 attempts on connect failures and refused streams; `attempts: 0` → none.
    static func retryPolicy(_ retries: VirtualServiceSpec.Retries?) -> ManifestValue {
        let attempts = retries?.attempts ?? 2
        var retryOn = retries?.retryOn ?? "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes"
        var codes: [ManifestValue] = []
        let parts = retryOn.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let numeric = parts.compactMap { Int($0) }
        if !numeric.isEmpty {
            codes = numeric.map { .int($0) }
            var words = parts.filter { Int($0) == nil }
            if !words.contains("retriable-status-codes") { words.append("retriable-status-codes") }
            retryOn = words.joined(separator: ",")
        }
        var policy: [String: ManifestValue] = [
            "retry_on": .string(retryOn), "num_retries": .int(attempts),
            "retry_host_predicate": .array([
                .object([
                    "name": .string("envoy.retry_host_predicates.previous_hosts"),
                    "typed_config": .object([
                        "@type": .string("type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate")
                    ]),
                ])
            ]),
            "host_selection_retry_max_attempts": .int(5),
        ]
        if !codes.isEmpty { policy["retriable_status_codes"] = .array(codes) }
        if let perTry = retries?.perTryTimeout { policy["per_try_timeout"] = .string(IstioDuration.envoy(perTry)) }
        return .object(policy)
    }

    func routeAction(
        _ route: VirtualServiceSpec.HTTPRoute, namespace: String, services: [String: MeshSnapshot.Service],
        rules: [String: MeshSnapshot.Named<DestinationRuleSpec>], source: String
    ) -> ManifestValue {
        func cluster(for destination: VirtualServiceSpec.Destination) -> String {
            guard let service = Self.service(destination.host, namespace: namespace, in: services) else {
                return "unknown_\(destination.host)"
            }
            let port = destination.port ?? service.spec.ports.first?.port ?? 0
            return Self.clusterName(namespace: service.namespace, service: service.name, port: port, subset: destination.subset)
        }
        var action: [String: ManifestValue] = [
            "timeout": .string(IstioDuration.envoy(route.timeout ?? .zero)), "retry_policy": Self.retryPolicy(route.retries),
        ]
        let live = route.destinations.filter { $0.weight > 0 }
        if live.count == 1, let only = live.first {
            action["cluster"] = .string(cluster(for: only))
        } else {
            action["weighted_clusters"] = .object([
                "clusters": .array(live.map { .object(["name": .string(cluster(for: $0)), "weight": .int($0.weight)]) })
            ])
        }
        if let mirror = route.mirror {
            action["request_mirror_policies"] = .array([
                .object([
                    "cluster": .string(cluster(for: mirror)), "trace_sampled": .bool(false),
                    "runtime_fraction": .object(["default_value": Self.fraction(route.mirrorPercent)]),
                ])
            ])
        }
        return .object(action)
    }

    /// Checks references a VirtualService makes, for warnings at apply time (`istioctl analyze`'s IST0101).
    public static func danglingReferences(_ spec: VirtualServiceSpec, namespace: String, snapshot: MeshSnapshot) -> [String] {
        let services = Self.servicesByName(snapshot)
        var warnings: [String] = []
        for route in spec.http {
            for destination in route.destinations + (route.mirror.map { [$0] } ?? []) {
                guard let service = service(destination.host, namespace: namespace, in: services) else {
                    warnings.append("Referenced host not found: \"\(destination.host)\"")
                    continue
                }
                guard let subset = destination.subset else { continue }
                let known = snapshot.destinationRules.contains { rule in
                    Self.service(rule.spec.host, namespace: rule.namespace, in: services) == service
                        && rule.spec.subsets.contains { $0.name == subset }
                }
                if !known { warnings.append("Referenced host+subset in destinationrule not found: \"\(destination.host)+\(subset)\"") }
            }
        }
        return Array(Set(warnings)).sorted()
    }

    static func fraction(_ percent: Double) -> ManifestValue {
        .object(["numerator": .int(Int((percent * 10_000).rounded())), "denominator": .string("MILLION")])
    }

    static func stringMatch(_ match: VirtualServiceSpec.StringMatch, ignoreCase: Bool = false) -> ManifestValue {
        var fields: [String: ManifestValue]
        switch match.kind {
        case .exact: fields = ["exact": .string(match.value)]
        case .prefix: fields = ["prefix": .string(match.value)]
        case .regex: fields = ["safe_regex": .object(["regex": .string(match.value)])]
        }
        if ignoreCase { fields["ignore_case"] = .bool(true) }
        return .object(fields)
    }

    static func header(_ name: String, _ match: VirtualServiceSpec.StringMatch, invert: Bool) -> ManifestValue {
        var fields: [String: ManifestValue] = ["name": .string(name)]
        if match.kind == .regex, match.value == "*" || match.value.isEmpty {
            fields["present_match"] = .bool(true)
        } else {
            fields["string_match"] = stringMatch(match)
        }
        if invert {
            fields["invert_match"] = .bool(true)
            fields["treat_missing_header_as_empty"] = .bool(true)
        }
        return .object(fields)
    }

    static func match(_ match: VirtualServiceSpec.Match) -> ManifestValue {
        var fields: [String: ManifestValue] = [:]
        if let uri = match.uri {
            switch uri.kind {
            case .exact: fields["path"] = .string(uri.value)
            case .prefix: fields["prefix"] = .string(uri.value)
            case .regex: fields["safe_regex"] = .object(["regex": .string(uri.value)])
            }
        } else {
            fields["prefix"] = .string("/")
        }
        if match.ignoreUriCase { fields["case_sensitive"] = .bool(false) }
        var headers: [ManifestValue] = []
        for (name, value) in match.headers.sorted(by: { $0.key < $1.key }) { headers.append(header(name, value, invert: false)) }
        for (name, value) in match.withoutHeaders.sorted(by: { $0.key < $1.key }) { headers.append(header(name, value, invert: true)) }
        if let method = match.method { headers.append(header(":method", method, invert: false)) }
        if let authority = match.authority { headers.append(header(":authority", authority, invert: false)) }
        if !headers.isEmpty { fields["headers"] = .array(headers) }
        if !match.queryParams.isEmpty {
            fields["query_parameters"] = .array(
                match.queryParams.sorted(by: { $0.key < $1.key }).map { name, value in
                    value.kind == .regex && value.value == "*"
                        ? .object(["name": .string(name), "present_match": .bool(true)])
                        : .object(["name": .string(name), "string_match": stringMatch(value)])
                })
        }
        return .object(fields)
    }

    static func fault(_ fault: VirtualServiceSpec.Fault) -> ManifestValue {
        var fields: [String: ManifestValue] = ["@type": .string("type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault")]
        if let delay = fault.delay {
            fields["delay"] = .object(["fixed_delay": .string(IstioDuration.envoy(delay)), "percentage": fraction(fault.delayPercent)])
        }
        if let status = fault.abortStatus {
            fields["abort"] = .object(["http_status": .int(status), "percentage": fraction(fault.abortPercent)])
        }
        return .object(fields)
    }
}
