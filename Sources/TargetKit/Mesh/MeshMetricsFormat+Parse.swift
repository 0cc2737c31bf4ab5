/// Reads Istio-named metrics (as `GET /metrics` of the local target serves them) back into per-subset counters, so a
/// process that only reaches the target over its API measures exactly what an in-process caller would.
extension MeshMetricsFormat {
    public static func subsets(fromIstio text: String) -> [SubsetMetrics] {
        struct Identity: Hashable {
            var namespace: String, service: String, version: String, workload: String
        }
        var found: [Identity: SubsetMetrics] = [:]
        var order: [Identity] = []
        for line in text.split(separator: "\n") {
            guard let (name, labels, value) = sample(line), labels["reporter"] == "destination",
                let namespace = labels["destination_service_namespace"], let service = labels["destination_service_name"]
            else { continue }
            let identity = Identity(
                namespace: namespace, service: service, version: labels["destination_version"] ?? "unknown",
                workload: labels["destination_workload"] ?? "unknown")
            if found[identity] == nil {
                order.append(identity)
                found[identity] = SubsetMetrics(
                    namespace: namespace, service: service, subset: nil, version: identity.version,
                    workload: identity.workload, responses: [:], latencyBuckets: [], latencySum: 0, latencyCount: 0)
            }
            switch name {
            case "istio_requests_total":
                if let code = labels["response_code"].flatMap({ Int($0) }) { found[identity]?.responses[code, default: 0] += Int(value) }
            case "istio_request_duration_milliseconds_bucket":
                if let bound = labels["le"].flatMap({ $0 == "+Inf" ? Double.infinity : Double($0) }) {
                    found[identity]?.latencyBuckets.append(SubsetMetrics.Bucket(upperBound: bound, count: Int(value)))
                }
            case "istio_request_duration_milliseconds_sum": found[identity]?.latencySum = value
            case "istio_request_duration_milliseconds_count": found[identity]?.latencyCount = Int(value)
            default: break
            }
        }
        return order.compactMap { found[$0] }
    }
}
