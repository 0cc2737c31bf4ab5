import Foundation
import Hummingbird
import HummingbirdTesting
import KubernetesAPI
import KubernetesClient
import Synchronization
import TargetKit
import Testing

/// Kubeconfig files as kubectl reads them, and the credentials a connection sends.
struct KubeconfigTests {
    final class Directory: Sendable {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kubeconfig-tests-\(UUID().uuidString.prefix(8))").path
        init() throws { try FileManager.default.createDirectory(atPath: path + "/certs", withIntermediateDirectories: true) }
        func write(_ name: String, _ text: String, executable: Bool = false) throws -> String {
            let file = "\(path)/\(name)"
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            if executable { chmod(file, 0o755) }
            return file
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }
    }

    static let first = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: qa
          cluster: {server: "https://qa.example.com:6443/", certificate-authority: certs/ca.pem}
        - name: shared
          cluster: {server: "https://first.example.com"}
        users:
        - name: ci
          user: {token: first-token}
        contexts:
        - name: qa
          context: {cluster: qa, user: ci, namespace: shop}
        current-context: qa

        """

    static let second = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: shared
          cluster: {server: "https://second.example.com"}
        - name: prod
          cluster: {server: "https://prod.example.com", certificate-authority-data: \(Data("PEM".utf8).base64EncodedString())}
        users:
        - name: deployer
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1
              command: ./plugin.sh
              args: [--cluster, prod]
              env: [{name: REGION, value: eu}]
        contexts:
        - name: prod
          context: {cluster: prod, user: deployer}
        - name: shared
          context: {cluster: shared, user: deployer}
        current-context: prod

        """

    @Test func severalFilesMergeAsKubectlMergesThem() throws {
        let directory = try Directory()
        _ = try directory.write("certs/ca.pem", "CA")
        let file = try KubeconfigFile(paths: [
            try directory.write("a", Self.first), "\(directory.path)/missing", try directory.write("b", Self.second),
        ])
        #expect(file.currentContext == "qa", "the first file to set current-context wins")
        #expect(file.contextNames == ["prod", "qa", "shared"])
        let qa = try file.credentials()
        #expect(qa.server == "https://qa.example.com:6443" && qa.namespace == "shop" && qa.token == "first-token")
        #expect(qa.certificateAuthority == Array("CA".utf8), "a relative path is taken from the file that names it")
        let prod = try file.credentials(context: "prod")
        #expect(prod.certificateAuthority == Array("PEM".utf8) && prod.namespace == "default")
        #expect(prod.exec?.command == "\(directory.path)/plugin.sh" && prod.exec?.arguments == ["--cluster", "prod"])
        #expect(prod.exec?.environment == ["REGION": "eu"])
        #expect(try file.credentials(context: "shared").server == "https://first.example.com", "the first file to name a cluster wins")
    }

    @Test func unusableConfigurationsAreRefusedNamingFileAndEntry() throws {
        let directory = try Directory()
        let file = try KubeconfigFile(paths: [try directory.write("a", Self.first)])
        #expect(throws: KubernetesClientError.kubeconfig("\(directory.path)/a: no context \"staging\" (there are: qa)")) {
            try file.credentials(context: "staging")
        }
        let both = try directory.write(
            "both",
            Self.first.replacingOccurrences(
                of: "certificate-authority: certs/ca.pem", with: "certificate-authority-data: UEVN, insecure-skip-tls-verify: true"))
        #expect(throws: KubernetesClientError.self) { try KubeconfigFile(paths: [both]).credentials() }
        let halfCertificate = try directory.write(
            "half",
            Self.first.replacingOccurrences(of: "user: {token: first-token}", with: "user: {client-certificate-data: UEVN}")
                .replacingOccurrences(of: ", certificate-authority: certs/ca.pem", with: ""))
        do {
            _ = try KubeconfigFile(paths: [halfCertificate]).credentials()
            Issue.record("a certificate without its key is accepted")
        } catch {
            #expect("\(error)".contains("needs both a client certificate and its key"), "\(error)")
        }
        let broken = try directory.write("broken", "clusters: [\n")
        do {
            _ = try KubeconfigFile(paths: [broken])
            Issue.record("broken YAML is accepted")
        } catch {
            #expect("\(error)".contains("\(broken):"), "the error names the file and position: \(error)")
        }
    }

    @Test func execPluginsRunWithTheirEnvironmentAndTheirFailuresAreNamed() async throws {
        let directory = try Directory()
        let plugin = try directory.write(
            "plugin.sh",
            """
            #!/bin/sh
            case "$KUBERNETES_EXEC_INFO" in *ExecCredential*) ;; *) exit 9 ;; esac
            echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"tok-'"$REGION"'-'"$2"'"}}'

            """, executable: true)
        let credential = try await ExecCredentialPlugin(
            apiVersion: "client.authentication.k8s.io/v1", command: plugin, arguments: ["--cluster", "prod"], environment: ["REGION": "eu"]
        ).run()
        #expect(credential.token == "tok-eu-prod")
        let failing = try directory.write("failing.sh", "#!/bin/sh\necho denied >&2\nexit 3\n", executable: true)
        do {
            _ = try await ExecCredentialPlugin(apiVersion: "client.authentication.k8s.io/v1", command: failing).run()
            Issue.record("a failing plugin gives credentials")
        } catch {
            #expect("\(error)".contains("failed") && "\(error)".contains("denied"), "\(error)")
        }
    }

    @Test func aConnectionSendsTheUsersTokenAndReadsATokenFileEachTime() async throws {
        let seen = Mutex<[String]>([])
        let router = Router()
        router.get("/apis") { request, _ in
            seen.withLock { $0.append(request.headers[.authorization] ?? "") }
            return #"{"kind":"APIGroupList","groups":[]}"#
        }
        router.get("/api/v1") { request, _ in
            seen.withLock { $0.append(request.headers[.authorization] ?? "") }
            return
                #"{"kind":"APIResourceList","groupVersion":"v1","resources":[{"name":"configmaps","namespaced":true,"kind":"ConfigMap","verbs":["get","list","watch"]}]}"#
        }
        let directory = try Directory()
        let tokenFile = try directory.write("token", "one\n")
        try await Application(router: router).test(.live) { client in
            let port = try #require(client.port)
            let connection = try KubernetesConnection(
                credentials: ClusterCredentials(server: "http://127.0.0.1:\(port)", tokenFile: tokenFile))
            let resources = try await connection.discover()
            #expect(resources[.configMap]?.name == "configmaps")
            _ = try directory.write("token", "two\n")
            _ = try await connection.discover(refresh: true)
            await connection.shutdown()
        }
        #expect(seen.withLock { $0 } == ["Bearer one", "Bearer one", "Bearer two", "Bearer two"])
    }
}
