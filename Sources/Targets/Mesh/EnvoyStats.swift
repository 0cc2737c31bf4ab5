import Foundation
import TargetKit

/// Reads Envoy's Prometheus exposition into per-cluster counters.
enum EnvoyStats {
    struct ClusterStats {
        var responses: [Int: Int] = [:]
        var buckets: [SubsetMetrics.Bucket] = []
        var sum = 0.0
        var count = 0
    }

    static func clusters(fromEnvoy text: String) -> [String: ClusterStats] {
        var result: [String: ClusterStats] = [:]
        for line in text.split(separator: "\n") {
            guard let (name, labels, value) = MeshMetricsFormat.sample(line), let cluster = labels["envoy_cluster_name"] else { continue }
            switch name {
            case "envoy_cluster_upstream_rq":
                if let code = labels["envoy_response_code"].flatMap({ Int($0) }) {
                    result[cluster, default: ClusterStats()].responses[code] = Int(value)
                }
            case "envoy_cluster_upstream_rq_time_bucket":
                if let bound = labels["le"].flatMap({ $0 == "+Inf" ? Double.infinity : Double($0) }) {
                    result[cluster, default: ClusterStats()].buckets.append(SubsetMetrics.Bucket(upperBound: bound, count: Int(value)))
                }
            case "envoy_cluster_upstream_rq_time_sum": result[cluster, default: ClusterStats()].sum = value
            case "envoy_cluster_upstream_rq_time_count": result[cluster, default: ClusterStats()].count = Int(value)
            default: break
            }
        }
        return result
    }
}
