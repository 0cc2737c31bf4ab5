/// Where a metric or a whole analysis stands. Ordered best to worst, as Argo Rollouts ranks them when a run takes
/// the worst of its metrics: Successful < Running < Pending < Inconclusive < Error < Failed.
public enum AnalysisPhase: String, Sendable, Hashable, Codable, Comparable {
    case successful = "Successful"
    case running = "Running"
    case pending = "Pending"
    case inconclusive = "Inconclusive"
    case error = "Error"
    case failed = "Failed"

    private var rank: Int {
        switch self {
        case .successful: 0
        case .running: 1
        case .pending: 2
        case .inconclusive: 3
        case .error: 4
        case .failed: 5
        }
    }

    public static func < (a: AnalysisPhase, b: AnalysisPhase) -> Bool { a.rank < b.rank }

    /// Whether the analysis is over (a verdict was reached).
    public var isCompleted: Bool { self != .running && self != .pending }
}
