/// Why an effect of a release could not be carried out.
enum ReleaseError: Error, CustomStringConvertible {
    case missing(String)

    var description: String {
        switch self {
        case .missing(let what): what
        }
    }
}
