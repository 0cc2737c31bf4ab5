/// The text of a called workflow, found by its `uses:` reference.
public struct WorkflowSource: Sendable {
    /// The path shown in messages (`.github/workflows/deploy.yml`, or `owner/repo/path@ref`).
    public var path: String
    public var text: String

    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }
}

/// Finds called workflows: `./.github/workflows/x.yml` in the repository, `owner/repo/path@ref` through a map of
/// local checkouts. Slipway never fetches a workflow from the network on its own.
public struct ReusableWorkflowResolver: Sendable {
    public enum Failure: Error, Sendable, CustomStringConvertible {
        case notFound(String, reason: String)
        /// A remote reference with no local checkout mapped; checked only when the job actually runs.
        case notMapped(String)
        public var description: String {
            switch self {
            case .notFound(let reference, let reason): "Unable to find reusable workflow '\(reference)': \(reason)"
            case .notMapped(let reference):
                "Reusable workflow '\(reference)' is not in this repository and not mapped; Slipway does not fetch it. "
                    + "Map its repository to a local checkout with --repo-map OWNER/REPO=PATH"
            }
        }
    }

    private let lookup: @Sendable (String) throws(Failure) -> WorkflowSource

    public init(_ lookup: @escaping @Sendable (String) throws(Failure) -> WorkflowSource) {
        self.lookup = lookup
    }

    public func resolve(_ reference: String) throws(Failure) -> WorkflowSource {
        try lookup(reference)
    }

    /// Callers that do not resolve anything (plain parsing); `uses:` jobs then stay unchecked.
    public static let none = ReusableWorkflowResolver { reference throws(Failure) in
        throw .notMapped(reference)
    }

    /// Resolves `./path` inside `root` and `owner/repo/path@ref` inside `repositories["owner/repo"]`.
    public static func files(root: String, repositories: [String: String], read: @escaping @Sendable (String) -> String?)
        -> ReusableWorkflowResolver
    {
        ReusableWorkflowResolver { reference throws(Failure) in
            if reference.hasPrefix("./") {
                let relative = String(reference.dropFirst(2))
                guard let text = read(root + "/" + relative) else { throw .notFound(reference, reason: "no such file in the repository") }
                return WorkflowSource(path: relative, text: text)
            }
            let withoutRef = reference.split(separator: "@", maxSplits: 1).first.map(String.init) ?? reference
            let parts = withoutRef.split(separator: "/", maxSplits: 2).map(String.init)
            guard parts.count == 3 else { throw .notFound(reference, reason: "expected owner/repo/path@ref") }
            let slug = parts[0] + "/" + parts[1]
            guard let directory = repositories[slug] ?? repositories.first(where: { $0.key.lowercased() == slug.lowercased() })?.value
            else {
                throw .notMapped(reference)
            }
            guard let text = read(directory + "/" + parts[2]) else {
                throw .notFound(reference, reason: "no file '\(parts[2])' in \(directory) (mapped for \(slug))")
            }
            return WorkflowSource(path: reference, text: text)
        }
    }
}

/// A called workflow, loaded once with its caller. A class so `Job` (a value type) can refer to a `Workflow`.
public final class CalledWorkflow: Sendable {
    public let workflow: Workflow
    public init(_ workflow: Workflow) { self.workflow = workflow }
}
