/// Why a measurement or an analysis definition failed, in words for the release record.
public enum AnalysisError: Error, Sendable, Hashable, CustomStringConvertible {
    case providerUnavailable(String)
    case queryFailed(address: String, reason: String)
    case unexpectedResponse(address: String, reason: String)

    public var description: String {
        switch self {
        case .providerUnavailable(let reason): reason
        case .queryFailed(let address, let reason): "Prometheus at \(address): \(reason)"
        case .unexpectedResponse(let address, let reason): "Prometheus at \(address) answered something unexpected: \(reason)"
        }
    }
}
