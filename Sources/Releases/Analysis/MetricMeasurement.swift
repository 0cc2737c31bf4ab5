import Foundation

/// One measurement of one metric, as the release record keeps it: what was asked, what came back, the verdict and why.
public struct MetricMeasurement: Sendable, Hashable, Codable {
    public var metric: String
    public var phase: MeasurementPhase
    public var query: String
    /// The value as returned (`0.97`, `[]`, `NaN`), empty when the provider failed.
    public var value: String
    public var requests: Int?
    /// Why: the condition that decided, "too little traffic (3 requests, at least 20 needed)", or the provider's error.
    public var message: String
    public var startedAt: Date
    public var finishedAt: Date

    public init(
        metric: String, phase: MeasurementPhase, query: String, value: String, requests: Int? = nil, message: String,
        startedAt: Date, finishedAt: Date
    ) {
        self.metric = metric
        self.phase = phase
        self.query = query
        self.value = value
        self.requests = requests
        self.message = message
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
}
