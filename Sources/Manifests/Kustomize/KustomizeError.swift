/// What can go wrong reading or building a kustomization, with the file and field named.
public enum KustomizeError: Error, Sendable, CustomStringConvertible {
    /// A type or unknown-field error from decoding, before the file is known.
    case decode(String)
    /// A problem in one kustomization file.
    case kustomization(file: String, message: String)
    /// A problem in a resource or patch file.
    case resource(file: String, message: String)
    /// A problem found while combining resources.
    case build(String)

    public var description: String {
        switch self {
        case .decode(let message): message
        case .kustomization(let file, let message): "\(file): \(message)"
        case .resource(let file, let message): "\(file): \(message)"
        case .build(let message): message
        }
    }
}
