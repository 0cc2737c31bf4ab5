import Foundation
import Images
import OCI
import OCIClient

/// docker/login-action: checks the credentials against the registry (`/v2/` with basic or token auth) and stores
/// them for the job's later image steps. `slipway run` points `SLIPWAY_AUTH_FILE` into the job's private scratch
/// directory, so the login lasts for the job and is gone when it ends — the action's `logout: true` — and never
/// reaches the user's own credential file.
struct DockerLoginAction {
    let io: ActionIO

    func run() async throws {
        let registryInput = io.input("registry")
        let registry = Self.registryHost(registryInput)
        let username = io.input("username")
        let password = io.input("password")
        guard !username.isEmpty, !password.isEmpty else { throw ActionFailure("Username and password required") }
        io.mask(password)
        if io.input("ecr") == "true" {
            io.warning("ecr: Slipway logs in with the given username and password; it does not call AWS")
        }
        print("Logging into \(registryInput.isEmpty ? "Docker Hub" : registryInput)...")
        let credential = RegistryCredentials.Credential(username: username, password: password)
        var configuration = RegistryClient.Configuration()
        configuration.credentials = RegistryCredentials(explicit: [registry: credential])
        let client = RegistryClient(configuration: configuration)
        defer { client.shutdown() }
        do {
            try await client.checkLogin(registry)
            try RegistryCredentials.save(credential, for: registry)
        } catch {
            throw ActionFailure.image(error)
        }
        print("Login Succeeded!")
    }

    /// `docker.io`, `index.docker.io` and an empty input all mean Docker Hub; a URL is reduced to its host.
    static func registryHost(_ input: String) -> String {
        var host = input
        for scheme in ["https://", "http://"] where host.hasPrefix(scheme) { host.removeFirst(scheme.count) }
        if let slash = host.firstIndex(of: "/") { host = String(host[..<slash]) }
        if host.isEmpty || ["docker.io", "index.docker.io", "registry-1.docker.io"].contains(host) { return ImageReference.dockerHub }
        return host
    }
}
