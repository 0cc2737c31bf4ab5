import Core
import Foundation
import Manifests

/// Kubeconfig files as kubectl reads them: `KUBECONFIG` (several files, the first to set a name wins) or
/// `~/.kube/config`, contexts naming a cluster, a user and a namespace; relative file paths are taken from the file
/// that names them; data fields are base64. Inside a pod with no kubeconfig, the service account is used.
public struct KubeconfigFile: Sendable {
    struct Named: Sendable {
        var value: ManifestValue
        /// The directory of the file that defined it, for its relative paths.
        var directory: String
        var file: String
    }

    var clusters: [String: Named] = [:]
    var users: [String: Named] = [:]
    var contexts: [String: Named] = [:]
    public private(set) var currentContext: String?
    public private(set) var files: [String]

    /// The files `KUBECONFIG` names, else `~/.kube/config`.
    public static var defaultPaths: [String] {
        let environment = ProcessInfo.processInfo.environment
        if let list = environment["KUBECONFIG"], !list.isEmpty { return list.split(separator: ":").map(String.init) }
        return ["\(environment["HOME"] ?? NSHomeDirectory())/.kube/config"]
    }

    /// Reads `paths` (missing files are skipped, as kubectl does when several are named).
    public init(paths: [String] = KubeconfigFile.defaultPaths) throws {
        files = []
        var read: [String] = []
        for path in paths where FileManager.default.fileExists(atPath: path) {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw KubernetesClientError.kubeconfig("\(path) cannot be read as UTF-8 text")
            }
            let documents: [(value: ManifestValue, location: SourceLocation)]
            do { documents = try ManifestYAML.documents(text, file: path) } catch { throw KubernetesClientError.kubeconfig("\(error)") }
            guard let config = documents.first?.value else { continue }
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            for (section, keyPath) in [("clusters", \KubeconfigFile.clusters), ("users", \.users), ("contexts", \.contexts)] {
                for entry in config[section]?.array ?? [] {
                    guard let name = entry["name"]?.string else {
                        throw KubernetesClientError.kubeconfig("\(path): an entry of \(section) has no name")
                    }
                    let inner = entry[String(section.dropLast())] ?? .object([:])
                    if self[keyPath: keyPath][name] == nil {
                        self[keyPath: keyPath][name] = Named(value: inner, directory: directory, file: path)
                    }
                }
            }
            if currentContext == nil, let current = config["current-context"]?.string, !current.isEmpty { currentContext = current }
            read.append(path)
        }
        files = read
    }

    public var contextNames: [String] { contexts.keys.sorted() }

    /// The credentials of `context` (default: the current context).
    public func credentials(context: String? = nil) throws -> ClusterCredentials {
        let source = files.isEmpty ? "no kubeconfig file" : files.joined(separator: ":")
        guard let name = context ?? currentContext else {
            throw KubernetesClientError.kubeconfig("\(source): no context given and no current-context set")
        }
        guard let context = contexts[name] else {
            throw KubernetesClientError.kubeconfig(
                "\(source): no context \"\(name)\" (there are: \(contextNames.joined(separator: ", ")))")
        }
        guard let clusterName = context.value["cluster"]?.string, let cluster = clusters[clusterName] else {
            throw KubernetesClientError.kubeconfig("\(context.file): context \"\(name)\" names no cluster that exists")
        }
        guard let server = cluster.value["server"]?.string, !server.isEmpty else {
            throw KubernetesClientError.kubeconfig("\(cluster.file): cluster \"\(clusterName)\" has no server")
        }
        var credentials = ClusterCredentials(
            server: server.hasSuffix("/") ? String(server.dropLast()) : server,
            insecureSkipTLSVerify: cluster.value["insecure-skip-tls-verify"]?.bool ?? false,
            namespace: context.value["namespace"]?.string ?? "default")
        credentials.certificateAuthority = try Self.bytes(
            cluster, data: "certificate-authority-data", file: "certificate-authority", what: "cluster \"\(clusterName)\"")
        if credentials.insecureSkipTLSVerify && credentials.certificateAuthority != nil {
            throw KubernetesClientError.kubeconfig(
                "\(cluster.file): cluster \"\(clusterName)\" sets both insecure-skip-tls-verify and a certificate authority")
        }
        if let userName = context.value["user"]?.string, !userName.isEmpty {
            guard let user = users[userName] else {
                throw KubernetesClientError.kubeconfig(
                    "\(context.file): context \"\(name)\" names user \"\(userName)\", which is not defined")
            }
            credentials.token = user.value["token"]?.string
            if let file = user.value["tokenFile"]?.string { credentials.tokenFile = Self.path(file, in: user.directory) }
            credentials.clientCertificate = try Self.bytes(
                user, data: "client-certificate-data", file: "client-certificate", what: "user \"\(userName)\"")
            credentials.clientKey = try Self.bytes(user, data: "client-key-data", file: "client-key", what: "user \"\(userName)\"")
            if (credentials.clientCertificate == nil) != (credentials.clientKey == nil) {
                throw KubernetesClientError.kubeconfig("\(user.file): user \"\(userName)\" needs both a client certificate and its key")
            }
            if let exec = user.value["exec"] {
                guard let command = exec["command"]?.string else {
                    throw KubernetesClientError.kubeconfig("\(user.file): user \"\(userName)\": exec needs a command")
                }
                var environment: [String: String] = [:]
                for variable in exec["env"]?.array ?? [] {
                    if let key = variable["name"]?.string { environment[key] = variable["value"]?.string ?? "" }
                }
                credentials.exec = ExecCredentialPlugin(
                    apiVersion: exec["apiVersion"]?.string ?? "client.authentication.k8s.io/v1",
                    command: command.contains("/") ? Self.path(command, in: user.directory) : command,
                    arguments: (exec["args"]?.array ?? []).compactMap(\.string), environment: environment)
            }
            if user.value["auth-provider"] != nil {
                throw KubernetesClientError.kubeconfig(
                    "\(user.file): user \"\(userName)\" uses auth-provider, which kubectl itself no longer supports; use an exec plugin")
            }
        }
        return credentials
    }

    /// A pod's own service account, as client-go's in-cluster configuration finds it; nil outside a cluster.
    public static func inCluster(root: String = "/var/run/secrets/kubernetes.io/serviceaccount") -> ClusterCredentials? {
        let environment = ProcessInfo.processInfo.environment
        guard let host = environment["KUBERNETES_SERVICE_HOST"], let port = environment["KUBERNETES_SERVICE_PORT"],
            FileManager.default.fileExists(atPath: "\(root)/token")
        else { return nil }
        let namespace = (try? String(contentsOfFile: "\(root)/namespace", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        return ClusterCredentials(
            server: "https://\(host.contains(":") ? "[\(host)]" : host):\(port)",
            certificateAuthority: FileManager.default.contents(atPath: "\(root)/ca.crt").map { Array($0) }, tokenFile: "\(root)/token",
            namespace: namespace ?? "default")
    }

    static func path(_ path: String, in directory: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: directory).appendingPathComponent(path).standardizedFileURL.path
    }

    static func bytes(_ entry: Named, data: String, file: String, what: String) throws -> [UInt8]? {
        if let encoded = entry.value[data]?.string {
            guard let decoded = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters) else {
                throw KubernetesClientError.kubeconfig("\(entry.file): \(what): \(data) is not base64")
            }
            return Array(decoded)
        }
        if let name = entry.value[file]?.string {
            let path = path(name, in: entry.directory)
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw KubernetesClientError.kubeconfig("\(entry.file): \(what): \(file) \(path) cannot be read")
            }
            return Array(contents)
        }
        return nil
    }
}
