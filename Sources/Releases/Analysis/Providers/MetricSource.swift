/// Takes one measurement for a metric's provider. Throwing means nothing could be measured (an Error measurement);
/// an empty or NaN result is returned, not thrown, because it is a finding ("no data").
public protocol MetricSource: Sendable {
    func measure(_ provider: MetricProvider) async throws -> MetricSample
}

/// Dispatches to the provider a metric names: Prometheus over HTTP, or the local target's mesh counters.
public struct MetricSources: MetricSource {
    public var prometheus: PrometheusClient
    public var mesh: MeshWindow?

    public init(prometheus: PrometheusClient = PrometheusClient(), mesh: MeshWindow?) {
        self.prometheus = prometheus
        self.mesh = mesh
    }

    public func measure(_ provider: MetricProvider) async throws -> MetricSample {
        switch provider {
        case .prometheus(let query):
            return try await prometheus.measure(query)
        case .local(let measure):
            guard let mesh else { throw AnalysisError.providerUnavailable("the local target's metrics are not available here") }
            return try await mesh.measure(measure)
        }
    }
}
