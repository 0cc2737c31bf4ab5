import AsyncHTTPClient
import Core
import Foundation
import NIOCore
import NIOHTTP1

/// Instant queries against Prometheus' HTTP API (`GET /api/v1/query`). Values arrive as strings ("0.97", "NaN",
/// "+Inf"); a scalar is one value, a vector one value per series, a matrix every value of every series.
public struct PrometheusClient: Sendable {
    public init() {}

    public func measure(_ query: MetricProvider.PrometheusQuery) async throws -> MetricSample {
        let (shape, values) = try await instant(query.query, address: query.address, timeout: query.timeout)
        var requests: Int?
        if let requestsQuery = query.requestsQuery {
            let (_, counts) = try await instant(requestsQuery, address: query.address, timeout: query.timeout)
            requests = counts.first.map { $0.isNaN ? 0 : Int($0.rounded()) } ?? 0
        }
        return MetricSample(shape: shape, values: values, requests: requests, query: query.query)
    }

    /// One instant query; throws when Prometheus is unreachable, answers an error, or answers something that is not
    /// its API.
    public func instant(_ promQL: String, address: String, timeout: Duration) async throws -> (MetricSample.Shape, [Double]) {
        // Only unreserved characters pass unescaped: '+' would otherwise read as a space, '&' end the parameter.
        var unreserved = CharacterSet.alphanumerics
        unreserved.insert(charactersIn: "-._~")
        guard let encoded = promQL.addingPercentEncoding(withAllowedCharacters: unreserved) else {
            throw AnalysisError.queryFailed(address: address, reason: "the query cannot be encoded")
        }
        let base = address.hasSuffix("/") ? String(address.dropLast()) : address
        let url = "\(base)/api/v1/query?query=\(encoded)"
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .nanoseconds(Int64(timeout.seconds * 1e9)))
            body = try await response.body.collect(upTo: 16 << 20)
        } catch {
            throw AnalysisError.queryFailed(address: address, reason: "\(error)")
        }
        let json = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        guard let json else {
            throw AnalysisError.unexpectedResponse(address: address, reason: "HTTP \(response.status.code), not JSON")
        }
        guard json["status"] as? String == "success" else {
            let kind = json["errorType"] as? String ?? "error"
            throw AnalysisError.queryFailed(
                address: address, reason: "\(kind): \(json["error"] as? String ?? "HTTP \(response.status.code)")")
        }
        guard let data = json["data"] as? [String: Any], let type = data["resultType"] as? String else {
            throw AnalysisError.unexpectedResponse(address: address, reason: "no data.resultType")
        }
        func value(_ pair: Any?) -> Double? {
            guard let pair = pair as? [Any], pair.count == 2, let text = pair[1] as? String else { return nil }
            return Self.number(text)
        }
        switch type {
        case "scalar":
            guard let number = value(data["result"]) else {
                throw AnalysisError.unexpectedResponse(address: address, reason: "malformed scalar")
            }
            return (.scalar, [number])
        case "vector":
            let series = data["result"] as? [[String: Any]] ?? []
            return (.vector, series.compactMap { value($0["value"]) })
        case "matrix":
            let series = data["result"] as? [[String: Any]] ?? []
            return (.vector, series.flatMap { ($0["values"] as? [Any] ?? []).compactMap(value) })
        default:
            throw AnalysisError.unexpectedResponse(address: address, reason: "result type \(type) is not a number")
        }
    }

    /// Prometheus' number spelling: Go's `strconv.FormatFloat`, plus `NaN`, `+Inf`, `-Inf`.
    static func number(_ text: String) -> Double? {
        switch text {
        case "NaN": .nan
        case "+Inf", "Inf": .infinity
        case "-Inf": -.infinity
        default: Double(text)
        }
    }
}
