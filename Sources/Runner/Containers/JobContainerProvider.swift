/// Where the image of a `container:` job or a service comes from: the caller (Slipway's image store and registry
/// client) unpacks it into a directory the job owns, pulling it first when this machine does not have it.
public protocol JobContainerProvider: Sendable {
    /// Unpacks `image` into `directory` (which exists and is empty); answers the image's runtime settings.
    func unpack(image: String, credentials: RegistryLogin?, into directory: String) async throws -> ContainerImageSettings
    /// Whether `image` can be had without reaching the internet: it is in the store, or its registry is on this
    /// machine or mirrored (GitLab jobs run in an image only then, and on the host otherwise).
    func isAvailableLocally(image: String) async -> Bool
}

extension JobContainerProvider {
    public func isAvailableLocally(image: String) async -> Bool { true }
}

/// `container.credentials` / `services.*.credentials`.
public struct RegistryLogin: Sendable, Hashable {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }
}

/// What an image's config says about running it.
public struct ContainerImageSettings: Sendable, Hashable {
    public var env: [String]
    public var entrypoint: [String]
    public var cmd: [String]
    public var workingDir: String?

    public init(env: [String] = [], entrypoint: [String] = [], cmd: [String] = [], workingDir: String? = nil) {
        self.env = env
        self.entrypoint = entrypoint
        self.cmd = cmd
        self.workingDir = workingDir
    }

    /// The value of `name` in the image's environment.
    public func environment(_ name: String) -> String? {
        env.first { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) }
    }
}
