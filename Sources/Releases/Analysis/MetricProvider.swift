/// Where a metric's value comes from.
public enum MetricProvider: Sendable, Hashable, Codable {
    /// An instant PromQL query against a Prometheus HTTP API.
    case prometheus(PrometheusQuery)
    /// The local target's own mesh counters, measured over a sliding window.
    case local(LocalMeasure)

    public struct PrometheusQuery: Sendable, Hashable, Codable {
        /// Base URL, e.g. `http://127.0.0.1:9090`.
        public var address: String
        public var query: String
        /// Counts the requests behind `query`'s window, for `minRequests`; nil skips the traffic guard.
        public var requestsQuery: String?
        public var timeout: Duration

        public init(address: String, query: String, requestsQuery: String? = nil, timeout: Duration = .seconds(10)) {
            self.address = address
            self.query = query
            self.requestsQuery = requestsQuery
            self.timeout = timeout
        }
    }

    public struct LocalMeasure: Sendable, Hashable, Codable {
        public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
            /// Non-5xx responses over all responses (0–1).
            case successRate = "success-rate"
            /// 99th percentile of request durations, in milliseconds.
            case latencyP99 = "latency-p99"
            /// Requests in the window.
            case requests = "requests"
        }

        public var kind: Kind
        public var namespace: String
        public var service: String
        /// The workload (Deployment) whose pods are measured, e.g. `app-canary`.
        public var workload: String
        public var window: Duration

        public init(kind: Kind, namespace: String, service: String, workload: String, window: Duration) {
            self.kind = kind
            self.namespace = namespace
            self.service = service
            self.workload = workload
            self.window = window
        }
    }

    /// What the record shows as the metric's query.
    public var queryText: String {
        switch self {
        case .prometheus(let query): query.query
        case .local(let measure):
            "\(measure.kind.rawValue){namespace=\"\(measure.namespace)\",service=\"\(measure.service)\",workload=\"\(measure.workload)\"}"
                + "[\(ReleaseDuration.format(measure.window))]"
        }
    }
}
