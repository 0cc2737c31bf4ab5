/// Why a promotion did not happen, in words for the person who asked.
public enum PromotionError: Error, Sendable, CustomStringConvertible {
    case configuration(String)
    case noApplication(application: String, environment: String, file: String)
    case firstEnvironment(String)
    case noRelease(application: String)
    case wrongRelease(id: Int64, application: String, expected: String)
    case notVerified(id: Int64, application: String, phase: String, message: String)
    case noDigests(id: Int64)
    case notApproved(String)
    case writeBack(String)

    public var description: String {
        switch self {
        case .configuration(let problem): problem
        case .noApplication(let application, let environment, let file):
            "\(file) declares no application \(application) (or \(application)-\(environment)) with environment: \(environment)"
        case .firstEnvironment(let environment):
            "\(environment) is the first environment: there is nothing to promote from (give --from)"
        case .noRelease(let application): "\(application) has no release to promote yet"
        case .wrongRelease(let id, let application, let expected):
            "release #\(id) is of \(application), not of \(expected)"
        case .notVerified(let id, let application, let phase, let message):
            "release #\(id) of \(application) is \(phase) (\(message)): only a release whose canary succeeded is promoted"
        case .noDigests(let id):
            "release #\(id) recorded no digest its pods ran: there is nothing verified to promote"
        case .notApproved(let reason): reason
        case .writeBack(let problem): "the GitOps commit failed: \(problem)"
        }
    }
}
