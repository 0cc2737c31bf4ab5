/// What went wrong reaching a Kubernetes API server, with the file, context or request it concerns.
public enum KubernetesClientError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The kubeconfig cannot be used: where, and what was expected.
    case kubeconfig(String)
    /// An exec credential plugin failed.
    case credentials(String)
    /// The server answered with an error (its `Status` message).
    case server(code: Int, reason: String, message: String)
    /// The server could not be reached or answered something that is not the Kubernetes API.
    case transport(String)

    public var description: String {
        switch self {
        case .kubeconfig(let why): "kubeconfig: \(why)"
        case .credentials(let why): "credentials: \(why)"
        case .server(let code, let reason, let message): "the API server answered \(code) \(reason): \(message)"
        case .transport(let why): "API server: \(why)"
        }
    }
}
