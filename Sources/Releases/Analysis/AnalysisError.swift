import Foundation

/// Why a measurement or an analysis definition failed, in words for the release record.
public enum AnalysisError: Error, Sendable, Hashable, CustomStringConvertible {
    case providerUnavailable(String)
    case queryFailed(address: String, reason: String)
    case unexpectedResponse(address: String, reason: String)

    public var description: String {
        switch self {
        case .providerUnavailable(let reason): reason
        case .queryFailed(let address, let reason): "Prometheus at \(Self.redacted(address)): \(reason)"
        case .unexpectedResponse(let address, let reason):
            "Prometheus at \(Self.redacted(address)) answered something unexpected: \(reason)"
        }
    }

    /// The address without credentials (`http://user:token@host` → `http://***@host`): messages end up in release records.
    static func redacted(_ address: String) -> String {
        guard let scheme = address.range(of: "://"), let at = address[scheme.upperBound...].firstIndex(of: "@") else { return address }
        return String(address[..<scheme.upperBound]) + "***" + String(address[at...])
    }
}
