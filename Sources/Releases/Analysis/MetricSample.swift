import Expressions
import Foundation

/// What a provider measured once: the values a query returned and, when the provider knows it, how many requests
/// the window saw (for the minimum-traffic guard).
public struct MetricSample: Sendable, Hashable, Codable {
    public enum Shape: String, Sendable, Hashable, Codable {
        /// One number (a PromQL scalar, or a built-in measure): the condition sees `result` as that number.
        case scalar
        /// A list of numbers (a PromQL vector or matrix): the condition sees `result[0]`, `len(result)`.
        case vector
    }

    public var shape: Shape
    public var values: [Double]
    public var requests: Int?
    /// What was asked, exactly as sent (the PromQL after argument substitution), for the release record.
    public var query: String

    public init(shape: Shape, values: [Double], requests: Int? = nil, query: String) {
        self.shape = shape
        self.values = values
        self.requests = requests
        self.query = query
    }

    public static func scalar(_ value: Double, requests: Int? = nil, query: String) -> MetricSample {
        MetricSample(shape: .scalar, values: [value], requests: requests, query: query)
    }

    /// Empty results and NaN (0/0 when nothing was requested) carry no information about the canary.
    public var hasData: Bool { !values.isEmpty && !values.contains(where: \.isNaN) }

    /// The value as a person reads it in a timeline: `0.97`, `[0.97, 0.99]`, `[]`.
    public var valueText: String {
        switch shape {
        case .scalar: values.first.map(Self.readable) ?? "[]"
        case .vector: "[" + values.map(Self.readable).joined(separator: ", ") + "]"
        }
    }

    /// Six significant digits: `9.65`, not the `9.649999999999999` a latency quantile computes to.
    static func readable(_ value: Double) -> String {
        guard value.isFinite, value != value.rounded() else { return ConditionValue.format(value) }
        return String(format: "%.6g", value)
    }
}
