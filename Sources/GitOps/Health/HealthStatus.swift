/// Argo CD's health vocabulary, ordered best to worst so that an application takes the worst of its resources.
public enum HealthStatus: String, Sendable, Hashable, Codable, Comparable, CaseIterable {
    case healthy = "Healthy"
    case suspended = "Suspended"
    case progressing = "Progressing"
    case missing = "Missing"
    case degraded = "Degraded"
    case unknown = "Unknown"

    private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    public static func < (a: HealthStatus, b: HealthStatus) -> Bool { a.rank < b.rank }
}

/// A resource's health and why.
public struct Health: Sendable, Hashable, Codable, CustomStringConvertible {
    public var status: HealthStatus
    public var message: String

    public init(_ status: HealthStatus, _ message: String = "") {
        self.status = status
        self.message = message
    }

    public var description: String { message.isEmpty ? status.rawValue : "\(status.rawValue): \(message)" }
}
