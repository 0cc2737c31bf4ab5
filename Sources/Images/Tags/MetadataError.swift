import OCI

/// A problem with docker/metadata-action style input (`tags`, `flavor`, `images`), naming the offending entry.
public enum MetadataError: Error, CustomStringConvertible, Equatable, Sendable {
    case invalidEntry(input: String, entry: String, why: String)
    case template(String, String)

    public var description: String {
        switch self {
        case .invalidEntry(let input, let entry, let why): "\(input): '\(entry)': \(why)"
        case .template(let text, let why): "template '\(text)': \(why)"
        }
    }
}
