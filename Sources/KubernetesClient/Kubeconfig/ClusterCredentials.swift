/// Everything needed to reach one cluster as one user: the server, how to trust it, and how to sign in.
public struct ClusterCredentials: Sendable, Hashable {
    public var server: String
    /// PEM of the certificate authorities the server's certificate must chain to (nil: the system's roots).
    public var certificateAuthority: [UInt8]?
    public var insecureSkipTLSVerify: Bool
    public var token: String?
    /// Read again for every request (service account tokens are rotated).
    public var tokenFile: String?
    public var clientCertificate: [UInt8]?
    public var clientKey: [UInt8]?
    public var exec: ExecCredentialPlugin?
    /// The context's namespace (objects without one go there).
    public var namespace: String

    public init(
        server: String, certificateAuthority: [UInt8]? = nil, insecureSkipTLSVerify: Bool = false, token: String? = nil,
        tokenFile: String? = nil, clientCertificate: [UInt8]? = nil, clientKey: [UInt8]? = nil, exec: ExecCredentialPlugin? = nil,
        namespace: String = "default"
    ) {
        self.server = server
        self.certificateAuthority = certificateAuthority
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.token = token
        self.tokenFile = tokenFile
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.exec = exec
        self.namespace = namespace
    }
}
