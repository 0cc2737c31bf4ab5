import Foundation

/// Request counts and latency of one Service subset (or of the Service as a whole when no subset is routed),
/// as Envoy measured them since it started.
public struct SubsetMetrics: Sendable, Hashable {
    public var namespace: String
    public var service: String
    public var subset: String?
    /// The pods' `version` label (Istio's `destination_version`), or the subset's name.
    public var version: String
    /// The Deployment the subset's pods belong to (Istio's `destination_workload`), when there is exactly one.
    public var workload: String
    /// Completed requests by response code (Envoy's own 503s included).
    public var responses: [Int: Int]
    /// One cumulative latency bucket: requests that took at most `upperBound` milliseconds.
    public struct Bucket: Sendable, Hashable {
        public var upperBound: Double
        public var count: Int

        public init(upperBound: Double, count: Int) {
            self.upperBound = upperBound
            self.count = count
        }
    }

    public var latencyBuckets: [Bucket]
    public var latencySum: Double
    public var latencyCount: Int

    public init(
        namespace: String, service: String, subset: String?, version: String, workload: String, responses: [Int: Int],
        latencyBuckets: [Bucket], latencySum: Double, latencyCount: Int
    ) {
        self.namespace = namespace
        self.service = service
        self.subset = subset
        self.version = version
        self.workload = workload
        self.responses = responses
        self.latencyBuckets = latencyBuckets
        self.latencySum = latencySum
        self.latencyCount = latencyCount
    }

    public var requests: Int { responses.values.reduce(0, +) }
    public var errors: Int { responses.filter { $0.key >= 500 }.values.reduce(0, +) }
}

/// Slipway's mesh counters in Istio's metric names: written for Prometheus, read back by a process that only reaches the
/// target over its API.
public enum MeshMetricsFormat {
    /// One sample line: `name{labels} value`.
    package static func sample(_ line: Substring) -> (name: String, labels: [String: String], value: Double)? {
        guard !line.hasPrefix("#"), let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
            return nil
        }
        let head = line[..<space]
        guard let brace = head.firstIndex(of: "{") else { return (String(head), [:], value) }
        var labels: [String: String] = [:]
        var rest = head[head.index(after: brace)...].dropLast()
        while let equals = rest.firstIndex(of: "=") {
            let key = rest[..<equals].trimmingCharacters(in: CharacterSet(charactersIn: ", "))
            var cursor = rest.index(equals, offsetBy: 2, limitedBy: rest.endIndex) ?? rest.endIndex
            var text = ""
            while cursor < rest.endIndex, rest[cursor] != "\"" {
                if rest[cursor] == "\\", rest.index(after: cursor) < rest.endIndex { cursor = rest.index(after: cursor) }
                text.append(rest[cursor])
                cursor = rest.index(after: cursor)
            }
            labels[key] = text
            rest = cursor < rest.endIndex ? rest[rest.index(after: cursor)...] : ""
        }
        return (String(head[..<brace]), labels, value)
    }

    /// Istio's standard metrics, as a destination-side Envoy reports them.
    public static func prometheus(_ metrics: [SubsetMetrics]) -> String {
        func labels(_ metric: SubsetMetrics, _ extra: [(String, String)]) -> String {
            let base: [(String, String)] = [
                ("reporter", "destination"), ("destination_service", "\(metric.service).\(metric.namespace).svc.cluster.local"),
                ("destination_service_name", metric.service), ("destination_service_namespace", metric.namespace),
                ("destination_version", metric.version), ("destination_workload", metric.workload),
                ("destination_workload_namespace", metric.namespace), ("source_workload", "unknown"),
            ]
            return "{" + (base + extra).map { "\($0.0)=\"\(escape($0.1))\"" }.joined(separator: ",") + "}"
        }
        var out = "# HELP istio_requests_total Requests by destination and response code.\n# TYPE istio_requests_total counter\n"
        for metric in metrics {
            for (code, count) in metric.responses.sorted(by: { $0.key < $1.key }) {
                out += "istio_requests_total\(labels(metric, [("response_code", String(code))])) \(count)\n"
            }
        }
        out += "# HELP istio_request_duration_milliseconds Request durations.\n# TYPE istio_request_duration_milliseconds histogram\n"
        for metric in metrics where metric.latencyCount > 0 {
            for bucket in metric.latencyBuckets {
                let le = bucket.upperBound.isInfinite ? "+Inf" : formatted(bucket.upperBound)
                out += "istio_request_duration_milliseconds_bucket\(labels(metric, [("le", le)])) \(bucket.count)\n"
            }
            out += "istio_request_duration_milliseconds_sum\(labels(metric, [])) \(formatted(metric.latencySum))\n"
            out += "istio_request_duration_milliseconds_count\(labels(metric, [])) \(metric.latencyCount)\n"
        }
        return out
    }

    static func formatted(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(
            of: "\n", with: "\\n")
    }
}
