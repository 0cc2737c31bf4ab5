import Core
import Foundation

/// Reads a `.gitlab-ci.yml` as GitLab does: YAML with anchors and merge keys, `include: local` (and `project` from a
/// map of local checkouts), `!reference`, `extends` (deep merge), `default:`, then every job checked with GitLab's
/// message for each mistake, at its `path:line:col`.
public struct GitLabConfigLoader: Sendable {
    /// The repository the file belongs to; `include: local` paths start here.
    public var repositoryRoot: String
    /// The CI file, relative to the root (GitLab's "CI/CD configuration file" setting).
    public var configPath: String
    /// `include: project:` sources: `group/project` → a local directory holding that project.
    public var projectMap: [String: String]

    static let maximumIncludes = 150
    static let maximumReferenceDepth = 10
    static let maximumExtendsDepth = 11

    public init(repositoryRoot: String, configPath: String = ".gitlab-ci.yml", projectMap: [String: String] = [:]) {
        self.repositoryRoot = repositoryRoot
        self.configPath = configPath
        self.projectMap = projectMap
    }

    /// The configuration, or every problem found.
    public func load() async throws(Diagnostics) -> GitLabConfig {
        let path = "\(repositoryRoot)/\(configPath)"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Diagnostics([Diagnostic("Please provide content of \(configPath): the file does not exist", at: nil)])
        }
        return try await load(text: text, file: configPath)
    }

    /// The configuration in `text`, reported as `file`.
    public func load(text: String, file: String) async throws(Diagnostics) -> GitLabConfig {
        var state = LoadState()
        let root: YAMLNode
        do {
            root = try await resolveIncludes(try document(text, file: file), file: file, base: repositoryRoot, state: &state, depth: 0)
        } catch let error as Diagnostic {
            throw Diagnostics([error])
        } catch {
            throw Diagnostics([Diagnostic("\(error)", at: SourceLocation(file: file, line: 1, column: 1))])
        }
        do {
            let resolved = try ReferenceResolver(root: root).resolve()
            return try build(resolved, files: state.files)
        } catch let error as Diagnostics {
            throw error
        } catch let error as Diagnostic {
            throw Diagnostics([error])
        } catch {
            throw Diagnostics([Diagnostic("\(error)", at: SourceLocation(file: file, line: 1, column: 1))])
        }
    }

    struct LoadState {
        var files: [String] = []
        var includeCount = 0
    }

    func document(_ text: String, file: String) throws(Diagnostic) -> YAMLNode {
        guard let node = try YAMLDocument.parse(text, file: file), !node.isNull else {
            throw Diagnostic("Please provide content of \(file)", at: SourceLocation(file: file, line: 1, column: 1))
        }
        guard node.mapping != nil else {
            throw Diagnostic("Invalid configuration format: the file must be a mapping of keys to values", at: node.location)
        }
        return node.resolvingMergeKeys()
    }

    /// `include:` entries merged under the file's own keys (later includes over earlier ones, the file over all).
    func resolveIncludes(_ node: YAMLNode, file: String, base: String, state: inout LoadState, depth: Int) async throws -> YAMLNode {
        state.files.append(file)
        guard let include = node["include"] else { return node }
        let entries = include.sequence ?? [include]
        var merged: YAMLNode?
        for entry in entries {
            for (path, directory, text) in try await includedFiles(entry, base: base) {
                state.includeCount += 1
                guard state.includeCount <= Self.maximumIncludes else {
                    throw Diagnostic("Maximum of \(Self.maximumIncludes) nested includes are allowed!", at: entry.location)
                }
                guard depth < 100 else { throw Diagnostic("Nested includes are too deep", at: entry.location) }
                let included = try await resolveIncludes(
                    try document(text, file: path), file: path, base: directory, state: &state, depth: depth + 1)
                merged = merged.map { $0.deepMerged(with: included) } ?? included
            }
        }
        let own = node.removing("include")
        return merged.map { $0.removing("include").deepMerged(with: own) } ?? own
    }

    /// The files one `include:` entry names: (path as reported, directory its own includes start from, text).
    func includedFiles(_ entry: YAMLNode, base: String) async throws -> [(String, String, String)] {
        if let local = entry.text ?? entry["local"]?.text {
            if entry.text != nil, local.hasPrefix("http://") || local.hasPrefix("https://") {
                throw Diagnostic(
                    "Remote file `\(local)` could not be fetched: Slipway reads no remote includes (offline)", at: entry.location)
            }
            return try localFiles(local, base: base, at: entry.location)
        }
        if let project = entry["project"]?.text {
            guard let directory = projectMap[project] else {
                throw Diagnostic(
                    "Project `\(project)` not found or access denied! Map it to a local checkout with --repo-map \(project)=DIR",
                    at: entry.location)
            }
            let files = entry["file"].map { $0.sequence ?? [$0] } ?? []
            guard !files.isEmpty else { throw Diagnostic("include:project config must specify file", at: entry.location) }
            let ref = entry["ref"]?.text
            var result: [(String, String, String)] = []
            for file in files {
                guard let name = file.text else { throw Diagnostic("include:file config should be a string", at: file.location) }
                let relative = name.hasPrefix("/") ? String(name.dropFirst()) : name
                let text: String?
                if let ref {
                    text = await Self.gitShow(directory: directory, ref: ref, path: relative)
                } else {
                    text = try? String(contentsOfFile: "\(directory)/\(relative)", encoding: .utf8)
                }
                guard let text else {
                    throw Diagnostic("Project `\(project)` file `\(name)` does not exist!", at: file.location)
                }
                result.append(("\(project):\(relative)", directory, text))
            }
            return result
        }
        for key in ["remote", "template", "component"] where entry[key] != nil {
            throw Diagnostic("include:\(key) is not available: Slipway reads no remote or template includes (offline)", at: entry.location)
        }
        throw Diagnostic("Included file `\(entry)` does not have valid YAML syntax!", at: entry.location)
    }

    func localFiles(_ pattern: String, base: String, at location: SourceLocation) throws -> [(String, String, String)] {
        let relative = pattern.hasPrefix("/") ? String(pattern.dropFirst()) : pattern
        guard relative.hasSuffix(".yml") || relative.hasSuffix(".yaml") else {
            throw Diagnostic("Included file `\(pattern)` does not have YAML extension!", at: location)
        }
        if PathGlob.hasMagic(relative) {
            let glob = PathGlob(relative)
            let matches = Self.files(under: base).filter { glob.matches($0) }.sorted()
            return try matches.map { path in
                (path, base, try String(contentsOfFile: "\(base)/\(path)", encoding: .utf8))
            }
        }
        guard let text = try? String(contentsOfFile: "\(base)/\(relative)", encoding: .utf8) else {
            throw Diagnostic("Local file `\(relative)` does not exist!", at: location)
        }
        return [(relative, base, text)]
    }

    /// Every file under `root`, as relative paths, skipping `.git`.
    static func files(under root: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        var result: [String] = []
        while let path = enumerator.nextObject() as? String {
            if path == ".git" || path.hasPrefix(".git/") {
                enumerator.skipDescendants()
                continue
            }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: "\(root)/\(path)", isDirectory: &isDirectory), !isDirectory.boolValue {
                result.append(path)
            }
        }
        return result
    }

    static func gitShow(directory: String, ref: String, path: String) async -> String? {
        try? await Git(directory: directory).run(["show", "\(ref):\(path)"])
    }
}
