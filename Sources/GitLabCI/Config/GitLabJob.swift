import Core

/// One job of `.gitlab-ci.yml` after `include`, `!reference`, `extends` and `default:` are resolved.
public struct GitLabJob: Sendable, Hashable {
    public var name: String
    public var stage: String
    public var script: [String]
    public var beforeScript: [String]
    public var afterScript: [String]
    public var variables: [GitLabVariable]
    /// Global variables this job inherits (`inherit: variables:`): nil means all.
    public var inheritedVariables: Set<String>?
    public var inheritsVariables: Bool
    public var rules: [GitLabRuleEntry]?
    public var only: GitLabRefFilter?
    public var except: GitLabRefFilter?
    /// nil: the job waits for every earlier stage; `[]`: it starts at once.
    public var needs: [GitLabNeed]?
    public var dependencies: [String]?
    public var when: GitLabWhen?
    public var startIn: String?
    public var allowFailure: GitLabAllowFailure?
    public var retry: GitLabRetry
    /// Seconds; nil for the project's default (one hour).
    public var timeout: Double?
    public var parallel: GitLabParallel?
    public var artifacts: GitLabArtifactsSpec?
    public var cache: [GitLabCacheSpec]
    public var environment: GitLabEnvironmentSpec?
    public var resourceGroup: String?
    public var interruptible: Bool?
    public var image: String?
    public var services: [String]
    public var tags: [String]
    public var coverage: String?
    /// A `trigger:` job (a child or downstream pipeline).
    public var trigger: String?
    public var location: SourceLocation

    public init(name: String, location: SourceLocation) {
        self.name = name
        self.location = location
        stage = "test"
        script = []
        beforeScript = []
        afterScript = []
        variables = []
        inheritsVariables = true
        retry = GitLabRetry()
        cache = []
        services = []
        tags = []
    }
}

/// `only:` / `except:` in their full form.
public struct GitLabRefFilter: Sendable, Hashable {
    /// Branch names, `/regex/`, or keywords (`branches`, `tags`, `pushes`, `triggers`, …).
    public var refs: [String]?
    /// Expressions, any of which matching counts.
    public var variables: [String]?
    public var changes: [String]?
    public var kubernetes: Bool?
}

/// `retry:`: how many more attempts (0–2) and for which failures.
public struct GitLabRetry: Sendable, Hashable {
    public var max: Int = 0
    /// Failure reasons that retry; empty means any (`always`).
    public var when: [String] = []
    /// Exit codes that retry; empty means any.
    public var exitCodes: [Int32] = []
}

/// `parallel:`: N copies, or a matrix of variable values.
public enum GitLabParallel: Sendable, Hashable {
    case count(Int)
    /// Each entry maps variable names to the values to combine, in the file's key order.
    case matrix([[(name: String, values: [String])]])

    public static func == (lhs: GitLabParallel, rhs: GitLabParallel) -> Bool {
        switch (lhs, rhs) {
        case (.count(let a), .count(let b)): return a == b
        case (.matrix(let a), .matrix(let b)):
            return a.count == b.count
                && zip(a, b).allSatisfy { x, y in
                    x.count == y.count && zip(x, y).allSatisfy { $0.name == $1.name && $0.values == $1.values }
                }
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .count(let n): hasher.combine(n)
        case .matrix(let entries):
            for entry in entries {
                for item in entry {
                    hasher.combine(item.name)
                    hasher.combine(item.values)
                }
            }
        }
    }
}

/// `artifacts:`.
public struct GitLabArtifactsSpec: Sendable, Hashable {
    public var paths: [String] = []
    public var exclude: [String] = []
    public var untracked = false
    /// `on_success` (default), `on_failure` or `always`.
    public var when: String = "on_success"
    public var expireIn: String?
    public var name: String?
    /// `reports: dotenv:` files.
    public var dotenv: [String] = []
}

/// One `cache:` entry.
public struct GitLabCacheSpec: Sendable, Hashable {
    public var key: String = "default"
    /// `key: files:` — the key is derived from these files' contents.
    public var keyFiles: [String] = []
    public var keyPrefix: String?
    public var paths: [String] = []
    public var untracked = false
    /// `pull-push` (default), `pull` or `push`.
    public var policy: String = "pull-push"
    /// `on_success` (default), `on_failure` or `always`.
    public var when: String = "on_success"
    public var fallbackKeys: [String] = []
}

/// `environment:`.
public struct GitLabEnvironmentSpec: Sendable, Hashable {
    public var name: String
    public var url: String?
    /// `start` (default), `prepare`, `stop`, `verify` or `access`.
    public var action: String = "start"
    public var onStop: String?
    public var tier: String?
    /// `kubernetes: agent:` — the context a deploying job's KUBECONFIG selects.
    public var kubernetesAgent: String?
}
