/// One step of a canary, as Argo Rollouts spells them.
public enum CanaryStep: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Send N % of the traffic to the canary (once its pods are available).
    case setWeight(Int)
    /// Wait this long, or (nil) until someone promotes.
    case pause(Duration?)
    /// Run these templates to a verdict: Successful goes on, Failed or Error aborts, Inconclusive pauses.
    case analysis([String])

    public var description: String {
        switch self {
        case .setWeight(let weight): "setWeight \(weight)"
        case .pause(nil): "pause (until promoted)"
        case .pause(let duration?): "pause \(ReleaseDuration.format(duration))"
        case .analysis(let templates): "analysis \(templates.joined(separator: ", "))"
        }
    }
}
