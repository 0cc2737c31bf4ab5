import Core
import Foundation

/// The applications Slipway deploys, declared in a YAML file (`slipway.yaml`):
///
/// ```yaml
/// applications:
/// - name: demo-qa
///   repository: ../gitops.git
///   branch: main
///   path: overlays/qa
///   environment: qa
///   namespace: demo
///   syncPolicy:
///     automated: {prune: true, selfHeal: true}
/// ```
public struct ApplicationConfig: Sendable, Hashable {
    public var applications: [Application]

    public init(applications: [Application]) { self.applications = applications }

    public static func load(file: String) throws(Diagnostics) -> ApplicationConfig {
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            throw Diagnostics([Diagnostic("cannot read the file", at: SourceLocation(file: file, line: 1, column: 1))])
        }
        return try parse(text, file: file)
    }

    /// Where relative repository paths start.
    public enum RelativeBase: Sendable, Hashable {
        /// The file's directory.
        case fileDirectory
        case directory(String)
        /// Nowhere (a file read from a repository that is not on this machine): a relative path is an error.
        case none
    }

    /// Every problem at once, each at its line and column; relative repository paths start at `base`.
    public static func parse(_ text: String, file: String, relativeTo base: RelativeBase = .fileDirectory) throws(Diagnostics)
        -> ApplicationConfig
    {
        let root: YAMLNode?
        do { root = try YAMLDocument.parse(text, file: file) } catch { throw Diagnostics([error]) }
        var problems: [Diagnostic] = []
        guard let root, let mapping = root.mapping else {
            throw Diagnostics([
                Diagnostic("expected a mapping with `applications:`", at: root?.location ?? SourceLocation(file: file, line: 1, column: 1))
            ])
        }
        for (key, _) in mapping where key.scalar != "applications" && key.scalar != "environments" {
            problems.append(Diagnostic("unknown field \"\(key.scalar ?? "")\", expected applications or environments", at: key.location))
        }
        guard let list = root["applications"] else {
            // A file that only declares environments (read by the workflow engine) has no applications to deploy.
            if root["environments"] != nil, problems.isEmpty { return ApplicationConfig(applications: []) }
            problems.append(Diagnostic("missing field \"applications\"", at: root.location))
            throw Diagnostics(problems)
        }
        guard let items = list.sequence else {
            problems.append(Diagnostic("applications must be a list, got \(list.kindName)", at: list.location))
            throw Diagnostics(problems)
        }
        let base: String? =
            switch base {
            case .fileDirectory: FilePathText.parent(of: file)
            case .directory(let directory): directory
            case .none: nil
            }
        var applications: [Application] = []
        var names: Set<String> = []
        for item in items {
            guard let fields = item.mapping else {
                problems.append(Diagnostic("an application must be a mapping, got \(item.kindName)", at: item.location))
                continue
            }
            let known: Set<String> = ["name", "repository", "branch", "path", "target", "namespace", "environment", "syncPolicy"]
            for (key, _) in fields where !known.contains(key.scalar ?? "") {
                problems.append(
                    Diagnostic(
                        "unknown field \"\(key.scalar ?? "")\", expected one of \(known.sorted().joined(separator: ", "))", at: key.location
                    ))
            }
            func string(_ name: String, required: Bool) -> String? {
                guard let node = item[name] else {
                    if required { problems.append(Diagnostic("missing field \"\(name)\"", at: item.location)) }
                    return nil
                }
                guard let value = node.scalar, !node.isNull, !value.isEmpty else {
                    problems.append(Diagnostic("\(name) must be a non-empty string, got \(node.kindName)", at: node.location))
                    return nil
                }
                return value
            }
            let name = string("name", required: true)
            let repository = string("repository", required: true)
            let path = string("path", required: true)
            if let name, let node = item["name"] {
                if !Self.isDNSLabel(name) {
                    problems.append(
                        Diagnostic("name \"\(name)\" must be lower-case letters, digits and '-', at most 63 characters", at: node.location))
                }
                if !names.insert(name).inserted { problems.append(Diagnostic("duplicate application \"\(name)\"", at: node.location)) }
            }
            var policy = Application.SyncPolicy()
            if let syncPolicy = item["syncPolicy"] {
                if let automated = syncPolicy["automated"] {
                    policy.automated = automated["enabled"]?.scalar != "false"
                    policy.prune = automated["prune"]?.scalar == "true"
                    policy.selfHeal = automated["selfHeal"]?.scalar == "true"
                    for (key, value) in automated.mapping ?? [] {
                        guard let field = key.scalar else { continue }
                        if !["enabled", "prune", "selfHeal"].contains(field) {
                            problems.append(
                                Diagnostic("unknown field \"\(field)\" in automated, expected enabled, prune or selfHeal", at: key.location)
                            )
                        } else if value.scalar != "true" && value.scalar != "false" {
                            problems.append(
                                Diagnostic("\(field) must be true or false, got \(value.scalar ?? value.kindName)", at: value.location))
                        }
                    }
                }
                for (key, _) in syncPolicy.mapping ?? [] where key.scalar != "automated" {
                    problems.append(Diagnostic("unknown field \"\(key.scalar ?? "")\" in syncPolicy, expected automated", at: key.location))
                }
            }
            guard let name, var repository, let path else { continue }
            if !repository.contains("://"), !repository.contains("@"), !repository.hasPrefix("/") {
                guard let base else {
                    problems.append(
                        Diagnostic(
                            "repository \"\(repository)\" is relative, and this file's repository is not on this machine; "
                                + "expected a URL or an absolute path", at: item["repository"]?.location ?? item.location))
                    continue
                }
                repository = URL(fileURLWithPath: base.isEmpty ? "." : base).appendingPathComponent(repository).standardizedFileURL.path
            }
            applications.append(
                Application(
                    name: name, repository: repository, branch: string("branch", required: false) ?? "main", path: path,
                    target: string("target", required: false) ?? "local", namespace: string("namespace", required: false) ?? "default",
                    environment: string("environment", required: false) ?? "", syncPolicy: policy))
        }
        if !problems.isEmpty {
            throw Diagnostics(
                problems.sorted { ($0.location?.line ?? 0, $0.location?.column ?? 0) < ($1.location?.line ?? 0, $1.location?.column ?? 0) })
        }
        return ApplicationConfig(applications: applications)
    }

    static func isDNSLabel(_ name: String) -> Bool {
        guard (1...63).contains(name.count), name.first?.isLetter == true || name.first?.isNumber == true,
            name.last != "-"
        else { return false }
        return name.allSatisfy { ($0.isLowercase && $0.isASCII) || ($0.isNumber && $0.isASCII) || $0 == "-" }
    }
}
