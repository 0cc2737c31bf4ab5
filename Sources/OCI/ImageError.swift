import CDispatch
import Glibc

/// Errors of the Images module, with the text a user sees.
public enum ImageError: Error, CustomStringConvertible, Equatable, Sendable {
    case invalidDigest(String)
    case invalidReference(String, String)
    case invalidJSON(String, String)
    case digestMismatch(expected: String, actual: String, what: String)
    case notFound(String)
    case registry(status: Int, code: String?, message: String, request: String)
    case transport(String, String)
    case unauthorized(String)
    case io(String, String)
    case layer(String)
    case unsupported(String)

    public var description: String {
        switch self {
        case .invalidDigest(let text): "invalid digest '\(text)': expected sha256:<64 lowercase hex> or sha512:<128 lowercase hex>"
        case .invalidReference(let text, let why): "invalid image reference '\(text)': \(why)"
        case .invalidJSON(let what, let why): "invalid \(what): \(why)"
        case .digestMismatch(let expected, let actual, let what): "digest mismatch for \(what): expected \(expected), got \(actual)"
        case .notFound(let what): "\(what) not found"
        case .registry(let status, let code, let message, let request):
            "registry error on \(request): HTTP \(status)\(code.map { " \($0)" } ?? ""): \(message)"
        case .transport(let request, let why): "\(request): \(why)"
        case .unauthorized(let why): "unauthorized: \(why)"
        case .io(let path, let why): "\(path): \(why)"
        case .layer(let why): "layer: \(why)"
        case .unsupported(let why): why
        }
    }
}

extension ImageError {
    /// A failure another attempt may not meet: a broken connection or a registry's 5xx.
    public var isTransient: Bool {
        switch self {
        case .transport: true
        case .registry(let status, _, _, _): status >= 500
        default: false
        }
    }
}
