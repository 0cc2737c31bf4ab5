import Core
import Foundation

/// The deployment environments of a repository, from the `environments:` key of its `slipway.yaml`:
///
/// ```yaml
/// environments:
///   qa:   {branches: [main]}
///   pre:  {branches: ["release/*"], reviewers: [alice, bob], approvals: 1}
///   prod: {tags: ["v*"], reviewers: [alice, bob, carol], approvals: 2, prevent-self-review: true,
///          wait-timer: 0.1, secrets-file: .secrets/prod.env, vars: {REGION: eu-prod}}
/// ```
public struct EnvironmentConfig: Sendable, Hashable {
    public var environments: [DeploymentEnvironment]

    public init(environments: [DeploymentEnvironment] = []) { self.environments = environments }

    /// The environment named `name`, compared without regard to case as GitHub does.
    public func environment(_ name: String) -> DeploymentEnvironment? {
        let wanted = name.lowercased()
        return environments.first { $0.name.lowercased() == wanted }
    }

    /// The keys an environment may have.
    public static let keys = [
        "branches", "tags", "reviewers", "approvals", "prevent-self-review", "wait-timer", "secrets-file", "vars", "url",
    ]

    /// The longest wait timer GitHub allows (30 days), in minutes.
    public static let maximumWaitMinutes = 43_200.0

    /// Reads the environments of a `slipway.yaml`; a file without `environments:` declares none.
    public static func load(file: String) throws(Diagnostics) -> EnvironmentConfig {
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            throw Diagnostics([Diagnostic("cannot read the file", at: SourceLocation(file: file, line: 1, column: 1))])
        }
        return try parse(text, file: file)
    }

    /// Every problem at once, each at its line and column. Only `environments:` is read; the other keys of the file
    /// are the applications' (checked by their own reader).
    public static func parse(_ text: String, file: String) throws(Diagnostics) -> EnvironmentConfig {
        let root: YAMLNode?
        do { root = try YAMLDocument.parse(text, file: file) } catch { throw Diagnostics([error]) }
        guard let root, let section = root["environments"], !section.isNull else { return EnvironmentConfig() }
        guard let entries = section.mapping else {
            throw Diagnostics([
                Diagnostic("environments must be a mapping of names to rules, got \(section.kindName)", at: section.location)
            ])
        }
        var problems: [Diagnostic] = []
        var environments: [DeploymentEnvironment] = []
        var seen: Set<String> = []
        for (key, value) in entries {
            guard let name = key.scalar, !name.isEmpty else {
                problems.append(Diagnostic("an environment name must be a non-empty string", at: key.location))
                continue
            }
            if !seen.insert(name.lowercased()).inserted {
                problems.append(
                    Diagnostic("duplicate environment \"\(name)\" (names are compared without regard to case)", at: key.location))
            }
            if name.count > 255 || name.contains(where: { "'\"`,;/\\".contains($0) || $0.isNewline }) {
                problems.append(
                    Diagnostic("environment name \"\(name)\" must be at most 255 characters without ' \" ` , ; / or \\", at: key.location))
            }
            var reader = EnvironmentReader(name: name, node: value)
            if let environment = reader.read() { environments.append(environment) }
            problems += reader.problems
        }
        guard problems.isEmpty else { throw Diagnostics(problems) }
        return EnvironmentConfig(environments: environments)
    }
}

/// Reads one environment's rules, collecting every problem.
struct EnvironmentReader {
    let name: String
    let node: YAMLNode
    var problems: [Diagnostic] = []

    init(name: String, node: YAMLNode) {
        self.name = name
        self.node = node
    }

    mutating func read() -> DeploymentEnvironment? {
        var environment = DeploymentEnvironment(name: name, location: node.location)
        if node.isNull { return environment }
        guard let fields = node.mapping else {
            problems.append(Diagnostic("environment \"\(name)\" must be a mapping of rules, got \(node.kindName)", at: node.location))
            return nil
        }
        for (key, _) in fields where !EnvironmentConfig.keys.contains(key.scalar ?? "") {
            problems.append(
                Diagnostic(
                    "unknown field \"\(key.scalar ?? "")\" in environment \"\(name)\", expected one of "
                        + EnvironmentConfig.keys.joined(separator: ", "), at: key.location))
        }
        environment.branches = patterns("branches")
        environment.tags = patterns("tags")
        environment.reviewers = strings("reviewers") ?? []
        if Set(environment.reviewers).count != environment.reviewers.count, let node = node["reviewers"] {
            problems.append(Diagnostic("reviewers of \"\(name)\" name someone twice", at: node.location))
        }
        if let approvals = node["approvals"] {
            if let count = Int(approvals.scalar ?? ""), count >= 1 {
                if environment.reviewers.isEmpty {
                    problems.append(Diagnostic("approvals of \"\(name)\" need reviewers: nobody could give them", at: approvals.location))
                } else if count > environment.reviewers.count {
                    problems.append(
                        Diagnostic(
                            "approvals of \"\(name)\" is \(count), more than its \(environment.reviewers.count) reviewers could give",
                            at: approvals.location))
                }
                environment.approvals = count
            } else {
                problems.append(
                    Diagnostic(
                        "approvals must be a whole number of at least 1, got \(approvals.scalar ?? approvals.kindName)",
                        at: approvals.location))
            }
        } else if !environment.reviewers.isEmpty {
            environment.approvals = 1
        }
        if let flag = node["prevent-self-review"] {
            switch flag.scalar {
            case "true": environment.preventSelfReview = true
            case "false": environment.preventSelfReview = false
            default:
                problems.append(
                    Diagnostic("prevent-self-review must be true or false, got \(flag.scalar ?? flag.kindName)", at: flag.location))
            }
        }
        if let timer = node["wait-timer"] {
            if let minutes = Double(timer.scalar ?? ""), minutes.isFinite, minutes >= 0, minutes <= EnvironmentConfig.maximumWaitMinutes {
                environment.waitTimerMinutes = minutes
            } else {
                problems.append(
                    Diagnostic(
                        "wait-timer must be a number of minutes from 0 to 43200, got \(timer.scalar ?? timer.kindName)", at: timer.location)
                )
            }
        }
        environment.secretsFile = string("secrets-file")
        environment.url = string("url")
        if let vars = node["vars"], !vars.isNull {
            if let pairs = vars.mapping {
                for (key, value) in pairs {
                    guard let variable = key.scalar, Self.isVariableName(variable) else {
                        problems.append(
                            Diagnostic(
                                "variable name \"\(key.scalar ?? "")\" must be letters, digits and '_', not starting with a digit or GITHUB_",
                                at: key.location))
                        continue
                    }
                    guard let text = value.scalar else {
                        problems.append(Diagnostic("variable \(variable) must be a string, got \(value.kindName)", at: value.location))
                        continue
                    }
                    environment.vars[variable] = text
                }
            } else {
                problems.append(Diagnostic("vars must be a mapping of names to values, got \(vars.kindName)", at: vars.location))
            }
        }
        return environment
    }

    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.first, first == "_" || first.isLetter, first.isASCII else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") } && !name.uppercased().hasPrefix("GITHUB_")
    }

    mutating func string(_ key: String) -> String? {
        guard let value = node[key], !value.isNull else { return nil }
        guard let text = value.scalar, !text.isEmpty else {
            problems.append(Diagnostic("\(key) must be a non-empty string, got \(value.kindName)", at: value.location))
            return nil
        }
        return text
    }

    /// A list of strings, or one string.
    mutating func strings(_ key: String) -> [String]? {
        guard let value = node[key], !value.isNull else { return nil }
        if let single = value.scalar { return [single] }
        guard let items = value.sequence else {
            problems.append(Diagnostic("\(key) must be a list of strings, got \(value.kindName)", at: value.location))
            return nil
        }
        var result: [String] = []
        for item in items {
            guard let text = item.scalar, !text.isEmpty else {
                problems.append(Diagnostic("each of \(key) must be a non-empty string, got \(item.kindName)", at: item.location))
                continue
            }
            result.append(text)
        }
        return result
    }

    mutating func patterns(_ key: String) -> [String]? {
        guard let list = strings(key) else { return nil }
        for pattern in list where pattern.hasPrefix("refs/") {
            problems.append(
                Diagnostic(
                    "\(key) pattern \"\(pattern)\" names a full ref; write the \(key == "tags" ? "tag" : "branch") name alone",
                    at: node[key]?.location ?? node.location))
        }
        return list
    }
}
