import Foundation

/// A kubeconfig for a Kubernetes API on this machine: one cluster, one user, and any number of contexts naming them
/// (so a pipeline's `kubectl config use-context qa` works against the same target).
public struct Kubeconfig: Sendable, Hashable {
    public var server: String
    public var contexts: [String]
    public var namespace: String
    /// PEM of the authority an https server's certificate chains to.
    public var certificateAuthority: String?
    /// The bearer token the server asks for.
    public var token: String?

    public init(
        server: String, contexts: [String], namespace: String = "default", certificateAuthority: String? = nil, token: String? = nil
    ) {
        self.server = server
        self.contexts = contexts.isEmpty ? ["slipway-local"] : contexts
        self.namespace = namespace
        self.certificateAuthority = certificateAuthority
        self.token = token
    }

    /// The file's text; the first context is the current one.
    public var text: String {
        let cluster = "slipway-local"
        var lines = [
            "apiVersion: v1", "kind: Config", "clusters:", "- name: \(cluster)", "  cluster:", "    server: \(Self.quoted(server))",
        ]
        if let certificateAuthority {
            lines.append("    certificate-authority-data: \(Data(certificateAuthority.utf8).base64EncodedString())")
        }
        lines += ["users:", "- name: \(cluster)"]
        lines.append(token.map { "  user: {token: \(Self.quoted($0))}" } ?? "  user: {}")
        lines.append("contexts:")
        for context in contexts {
            lines += [
                "- name: \(Self.quoted(context))", "  context:", "    cluster: \(cluster)", "    user: \(cluster)",
                "    namespace: \(Self.quoted(namespace))",
            ]
        }
        lines.append("current-context: \(Self.quoted(contexts.first ?? cluster))")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A YAML double-quoted scalar, so no name is read as anything but a string.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
