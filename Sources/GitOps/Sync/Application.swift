/// One application: where its desired state lives in git and where it runs.
public struct Application: Sendable, Hashable, Codable {
    public struct SyncPolicy: Sendable, Hashable, Codable {
        /// Sync every new commit without being asked.
        public var automated: Bool
        /// Delete live objects that left the desired state.
        public var prune: Bool
        /// Put back live objects that drifted from git.
        public var selfHeal: Bool

        public init(automated: Bool = false, prune: Bool = false, selfHeal: Bool = false) {
            self.automated = automated
            self.prune = prune
            self.selfHeal = selfHeal
        }
    }

    public var name: String
    /// A URL or a local path (bare repository or working tree).
    public var repository: String
    public var branch: String
    /// The kustomization directory inside the repository (`overlays/qa`).
    public var path: String
    /// `local` (the embedded target) or a Kubernetes context.
    public var target: String
    /// The namespace for objects that name none.
    public var namespace: String
    /// qa, pre, prod: how releases of this application are grouped across environments.
    public var environment: String
    public var syncPolicy: SyncPolicy

    public init(
        name: String, repository: String, branch: String = "main", path: String, target: String = "local",
        namespace: String = "default", environment: String = "", syncPolicy: SyncPolicy = SyncPolicy()
    ) {
        self.name = name
        self.repository = repository
        self.branch = branch
        self.path = path
        self.target = target
        self.namespace = namespace
        self.environment = environment.isEmpty ? name : environment
        self.syncPolicy = syncPolicy
    }
}
