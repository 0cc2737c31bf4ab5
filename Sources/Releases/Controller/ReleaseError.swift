/// Why a release could not go on.
enum ReleaseError: Error, CustomStringConvertible {
    case missing(String)
    case canaryUnavailable(String)
    case promotionFailed(String)

    var description: String {
        switch self {
        case .missing(let what): what
        case .canaryUnavailable(let why): why
        case .promotionFailed(let why): "promotion failed: \(why)"
        }
    }
}
