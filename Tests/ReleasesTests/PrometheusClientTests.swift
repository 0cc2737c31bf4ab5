import Expressions
import Foundation
import Hummingbird
import HummingbirdTesting
import SlipwayTesting
import Testing

@testable import Releases

/// The Prometheus provider against a fake Prometheus HTTP API answering each result type.
@Suite struct PrometheusClientTests {
    @Test func readsEveryResultTypeAndSaysWhatWentWrong() async throws {
        let router = Router()
        router.get("/api/v1/query") { request, _ -> Response in
            let query = request.uri.queryParameters.get("query") ?? ""
            let body: String
            switch query {
            case "scalar": body = #"{"status":"success","data":{"resultType":"scalar","result":[1700000000.1,"0.97"]}}"#
            case "vector":
                body =
                    #"""
                    {"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"1"},"value":[1700000000,"0.5"]},\#
                    {"metric":{"a":"2"},"value":[1700000000,"+Inf"]}]}}
                    """#
            case "empty": body = #"{"status":"success","data":{"resultType":"vector","result":[]}}"#
            case "nan": body = #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1700000000,"NaN"]}]}}"#
            case "matrix":
                body = #"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"],[2,"2"]]}]}}"#
            case "requests": body = #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"12.0"]}]}}"#
            case #"sum(rate(x{code!~"5.*"}[1m])) + 1"#: body = #"{"status":"success","data":{"resultType":"scalar","result":[1,"42"]}}"#
            default: body = #"{"status":"error","errorType":"bad_data","error":"parse error at char 3"}"#
            }
            return Response(status: body.contains("error") ? .badRequest : .ok, body: .init(byteBuffer: .init(string: body)))
        }
        // Served on a port the kernel chooses; the client talks to it over real HTTP.
        try await Application(router: router).test(.live) { live in
            let port = try #require(live.port)
            let client = PrometheusClient()
            let address = "http://localhost:\(port)"
            func measure(_ query: String, requests: String? = nil) async throws -> MetricSample {
                try await Deadline.within(.seconds(30), "the query \(query)") {
                    try await client.measure(.init(address: address, query: query, requestsQuery: requests))
                }
            }
            let scalar = try await measure("scalar")
            #expect(scalar == MetricSample(shape: .scalar, values: [0.97], query: "scalar"))
            let vector = try await measure("vector")
            #expect(vector.shape == .vector && vector.values == [0.5, .infinity])
            let empty = try await measure("empty")
            #expect(empty.values.isEmpty && !empty.hasData)
            let nan = try await measure("nan", requests: "requests")
            #expect(nan.values.count == 1 && nan.values[0].isNaN && !nan.hasData && nan.requests == 12)
            #expect(try await measure("matrix").values == [1, 2])
            // Characters that mean something in a URL arrive intact.
            #expect(try await measure(#"sum(rate(x{code!~"5.*"}[1m])) + 1"#).values == [42])
            await #expect(throws: AnalysisError.queryFailed(address: address, reason: "bad_data: parse error at char 3")) {
                _ = try await measure("sum(")
            }
            // Judged as the issue asks: empty and NaN are no data, not failures.
            let metric = AnalysisMetric(
                name: "rate", successCondition: try .init("result[0] >= 0.95"), provider: .prometheus(.init(address: address, query: "q")))
            #expect(metric.judge(empty).phase == .inconclusive && metric.judge(nan).phase == .inconclusive)
            #expect(metric.judge(vector).phase == .failed)
        }
    }
}
