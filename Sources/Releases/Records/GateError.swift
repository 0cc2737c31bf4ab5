/// Why a gate decision cannot be taken now, with where the release stands.
public enum GateError: Error, Sendable, CustomStringConvertible {
    case noRelease(String)
    case notAtGate(String, Release)
    case ending(String, Release)

    public var description: String {
        switch self {
        case .noRelease(let application): "application \"\(application)\" has no release in progress"
        case .notAtGate(let application, let release):
            "release #\(release.id) of \"\(application)\" is not waiting at a gate (\(release.phase.rawValue), step "
                + "\(min(release.stepIndex + 1, release.stepCount)) of \(release.stepCount): \(release.message))"
        case .ending(let application, let release):
            "release #\(release.id) of \"\(application)\" is already being rolled back: \(release.message)"
        }
    }
}
