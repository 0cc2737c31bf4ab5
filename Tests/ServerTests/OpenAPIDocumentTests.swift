import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Server

/// `/api/v1/openapi.json` describes exactly the routes the server registers: each route in the Server module's sources
/// (but the web UI's pages, `Sources/Server/UI`) is in the document with its method, the document names no route that does not exist, and every schema it refers to
/// is defined.
@Suite struct OpenAPIDocumentTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/Server")
        .standardizedFileURL.path

    /// Method and OpenAPI path of every route registered in the sources (`:name` → `{name}`), with the interpolations the
    /// API uses expanded; an interpolation the test does not know fails it.
    static func registeredRoutes() throws -> Set<String> {
        let expansions = [
            #"\(action.rawValue)"#: ["promote", "abort"], #"\(provider.rawValue)"#: ["github", "gitlab", "gitea"],
        ]
        let pattern = try NSRegularExpression(pattern: #"router\.(get|post|put|delete|patch)\("([^"]+)""#)
        var routes: Set<String> = []
        let files =
            FileManager.default.enumerator(atPath: sources)?.compactMap { $0 as? String }.filter {
                $0.hasSuffix(".swift") && !$0.hasPrefix("UI/")
            } ?? []
        for file in files {
            let text = try String(contentsOfFile: sources + "/" + file, encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                guard let method = Range(match.range(at: 1), in: text), let path = Range(match.range(at: 2), in: text) else { continue }
                var paths = [String(text[path])]
                for (placeholder, values) in expansions where paths[0].contains(placeholder) {
                    paths = values.map { paths[0].replacingOccurrences(of: placeholder, with: $0) }
                }
                for path in paths {
                    #expect(!path.contains(#"\("#), "\(file): a route with an interpolation the test does not know: \(path)")
                    let openAPI = path.split(separator: "/", omittingEmptySubsequences: false)
                        .map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
                    routes.insert("\(text[method]) \(openAPI)")
                }
            }
        }
        return routes
    }

    @Test func theDocumentDescribesEveryRouteAndNoOther() async throws {
        let harness = try ServerHarness()
        defer { harness.remove() }
        let body = try await harness.application().test(.router) { client -> Data in
            // Anonymous callers see nothing but /healthz: this document neither.
            try await client.execute(uri: "/api/v1/openapi.json", method: .get) { #expect($0.status == .unauthorized) }
            return try await client.execute(uri: "/api/v1/openapi.json", method: .get, headers: ServerHarness.bearer(harness.adminToken)) {
                response in
                #expect(response.status == .ok && response.headers[.contentType] == "application/json")
                return Data(response.body.readableBytesView)
            }
        }
        let served = try JSONSerialization.jsonObject(with: body) as? [String: Any] ?? [:]
        #expect(served["openapi"] as? String == "3.1.0")
        let paths = served["paths"] as? [String: [String: Any]] ?? [:]
        let documented = Set(paths.flatMap { path, methods in methods.keys.map { "\($0) \(path)" } })
        let registered = try Self.registeredRoutes()
        #expect(registered.count > 30, "the scan found the routes: \(registered.sorted())")
        #expect(
            registered.subtracting(documented).isEmpty, "routes missing from the document: \(registered.subtracting(documented).sorted())")
        #expect(
            documented.subtracting(registered).isEmpty,
            "documented routes that do not exist: \(documented.subtracting(registered).sorted())")

        let schemas = ((served["components"] as? [String: Any])?["schemas"] as? [String: Any]) ?? [:]
        let text = OpenAPIDocument.json
        let references = try NSRegularExpression(pattern: ##""#/components/schemas/([A-Za-z]+)""##)
            .matches(in: text, range: NSRange(text.startIndex..., in: text))
            .compactMap { Range($0.range(at: 1), in: text).map { String(text[$0]) } }
        #expect(!references.isEmpty)
        for name in Set(references) { #expect(schemas[name] != nil, "schema \(name) is defined") }
    }
}
