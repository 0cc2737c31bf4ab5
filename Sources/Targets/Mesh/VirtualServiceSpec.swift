import Manifests
import TargetKit

/// An Istio VirtualService's HTTP routing, validated as Istio's webhook validates it.
public struct VirtualServiceSpec: Sendable, Hashable {
    public struct StringMatch: Sendable, Hashable {
        public enum Kind: String, Sendable, Hashable { case exact, prefix, regex }
        public var kind: Kind
        public var value: String
    }

    public struct Match: Sendable, Hashable {
        public var uri: StringMatch?
        public var ignoreUriCase: Bool
        public var headers: [String: StringMatch]
        public var withoutHeaders: [String: StringMatch]
        public var method: StringMatch?
        public var authority: StringMatch?
        public var queryParams: [String: StringMatch]
    }

    public struct Destination: Sendable, Hashable {
        public var host: String
        public var subset: String?
        public var port: Int?
        public var weight: Int
    }

    public struct Retries: Sendable, Hashable {
        public var attempts: Int
        public var perTryTimeout: Duration?
        public var retryOn: String?
    }

    public struct Fault: Sendable, Hashable {
        public var delay: Duration?
        public var delayPercent: Double
        public var abortStatus: Int?
        public var abortPercent: Double
    }

    public struct HTTPRoute: Sendable, Hashable {
        public var name: String?
        public var matches: [Match]
        public var destinations: [Destination]
        public var timeout: Duration?
        public var retries: Retries?
        public var fault: Fault?
        public var mirror: Destination?
        public var mirrorPercent: Double
    }

    public var hosts: [String]
    public var gateways: [String]
    public var http: [HTTPRoute]

    public init(_ object: ManifestValue) throws(TargetError) {
        let name = object.value(at: ["metadata", "name"])?.string ?? ""
        let reader = FieldReader(kind: "VirtualService.networking.istio.io", name: name)
        func istio(_ detail: String) -> TargetError {
            .invalid(
                "admission webhook \"validation.istio.io\" denied the request: configuration is invalid: \(detail) (VirtualService \(name))"
            )
        }
        let spec = object["spec"] ?? .object([:])
        hosts = try reader.strings(spec["hosts"], "spec.hosts") ?? []
        guard !hosts.isEmpty else { throw istio("virtual service must have at least one host") }
        gateways = try reader.strings(spec["gateways"], "spec.gateways") ?? []
        func stringMatch(_ value: ManifestValue?, _ field: String) throws(TargetError) -> StringMatch? {
            guard let value, let fields = value.object else { return nil }
            for kind in [StringMatch.Kind.exact, .prefix, .regex] {
                if let text = try reader.string(fields[kind.rawValue], "\(field).\(kind.rawValue)") {
                    return StringMatch(kind: kind, value: text)
                }
            }
            return fields.isEmpty ? StringMatch(kind: .regex, value: "*") : nil
        }
        func stringMatches(_ value: ManifestValue?, _ field: String) throws(TargetError) -> [String: StringMatch] {
            var result: [String: StringMatch] = [:]
            for (key, item) in value?.object ?? [:] {
                result[key] = try stringMatch(item, "\(field).\(key)") ?? StringMatch(kind: .regex, value: "*")
            }
            return result
        }
        func duration(_ value: ManifestValue?, _ field: String) throws(TargetError) -> Duration? {
            guard let text = try reader.string(value, field) else { return nil }
            guard let parsed = IstioDuration.parse(text) else { throw istio("\(field): invalid duration \"\(text)\"") }
            return parsed
        }
        func percent(_ value: ManifestValue?) -> Double? {
            guard let value = value?["value"] else { return nil }
            if case .float(let number) = value { return number }
            return value.int.map(Double.init)
        }
        func destination(_ value: ManifestValue?, weight: Int, _ field: String) throws(TargetError) -> Destination {
            guard let host = try reader.string(value?["host"], "\(field).host"), !host.isEmpty else {
                throw istio("\(field): destination.host is required")
            }
            return Destination(
                host: host, subset: try reader.string(value?["subset"], "\(field).subset"),
                port: value?.value(at: ["port", "number"])?.int, weight: weight)
        }
        var routes: [HTTPRoute] = []
        for (index, item) in (spec["http"]?.array ?? []).enumerated() {
            let path = "spec.http[\(index)]"
            var matches: [Match] = []
            for (m, match) in (item["match"]?.array ?? []).enumerated() {
                let field = "\(path).match[\(m)]"
                matches.append(
                    Match(
                        uri: try stringMatch(match["uri"], "\(field).uri"), ignoreUriCase: match["ignoreUriCase"]?.bool ?? false,
                        headers: try stringMatches(match["headers"], "\(field).headers"),
                        withoutHeaders: try stringMatches(match["withoutHeaders"], "\(field).withoutHeaders"),
                        method: try stringMatch(match["method"], "\(field).method"),
                        authority: try stringMatch(match["authority"], "\(field).authority"),
                        queryParams: try stringMatches(match["queryParams"], "\(field).queryParams")))
            }
            let list = item["route"]?.array ?? []
            guard !list.isEmpty else { throw istio("\(path): HTTP route or redirect is required") }
            var destinations: [Destination] = []
            for (r, route) in list.enumerated() {
                let weight = route["weight"]?.int ?? (list.count == 1 ? 100 : 0)
                guard (0...100).contains(weight) else { throw istio("\(path).route[\(r)]: weight \(weight) must be in range 0..100") }
                destinations.append(try destination(route["destination"], weight: weight, "\(path).route[\(r)].destination"))
            }
            let total = destinations.reduce(0) { $0 + $1.weight }
            if list.count > 1 || list.first?["weight"] != nil, total != 100 {
                throw istio("\(path): total destination weight \(total) != 100")
            }
            var retries: Retries?
            if let value = item["retries"] {
                retries = Retries(
                    attempts: try reader.int(value["attempts"], "\(path).retries.attempts", default: 2, minimum: 0),
                    perTryTimeout: try duration(value["perTryTimeout"], "\(path).retries.perTryTimeout"),
                    retryOn: try reader.string(value["retryOn"], "\(path).retries.retryOn"))
            }
            var fault: Fault?
            if let value = item["fault"] {
                let abortStatus = value.value(at: ["abort", "httpStatus"])?.int
                if let abortStatus, !(200...599).contains(abortStatus) {
                    throw istio("\(path).fault.abort: httpStatus \(abortStatus) must be in range 200..599")
                }
                fault = Fault(
                    delay: try duration(value.value(at: ["delay", "fixedDelay"]), "\(path).fault.delay.fixedDelay"),
                    delayPercent: percent(value.value(at: ["delay", "percentage"])) ?? 100,
                    abortStatus: abortStatus, abortPercent: percent(value.value(at: ["abort", "percentage"])) ?? 100)
            }
            var mirror: Destination?
            if let value = item["mirror"] { mirror = try destination(value, weight: 100, "\(path).mirror") }
            routes.append(
                HTTPRoute(
                    name: item["name"]?.string, matches: matches, destinations: destinations,
                    timeout: try duration(item["timeout"], "\(path).timeout"), retries: retries, fault: fault,
                    mirror: mirror, mirrorPercent: percent(item["mirrorPercentage"]) ?? 100))
        }
        http = routes
    }
}
