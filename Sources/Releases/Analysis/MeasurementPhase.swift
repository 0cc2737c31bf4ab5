/// The verdict on one measurement (Argo Rollouts' phases; `error` means nothing could be measured or judged).
public enum MeasurementPhase: String, Sendable, Hashable, Codable, CaseIterable {
    case successful = "Successful"
    case failed = "Failed"
    case inconclusive = "Inconclusive"
    case error = "Error"
}
