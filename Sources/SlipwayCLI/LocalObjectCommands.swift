import ArgumentParser
import Core
import Foundation
import Manifests
import NIOHTTP1
import TargetKit
import Targets

/// Reads manifests from files, directories (their .yaml, .yml and .json files, by name) or standard input (`-`),
/// expanding `kind: List`; a YAML error names the file, line and column.
enum ManifestFiles {
    static func read(_ paths: [String]) throws -> [ManifestValue] {
        var objects: [ManifestValue] = []
        for path in paths {
            var files: [(name: String, text: String)] = []
            if path == "-" {
                files.append(("<stdin>", String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)))
            } else {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                    throw CommandFailure("error: the path \"\(path)\" does not exist")
                }
                let names =
                    isDirectory.boolValue
                    ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { name in
                        [".yaml", ".yml", ".json"].contains { name.hasSuffix($0) }
                    }
                    .sorted().map { "\(path)/\($0)" }
                    : [path]
                for name in names {
                    guard let text = try? String(contentsOfFile: name, encoding: .utf8) else {
                        throw CommandFailure("\(name): cannot be read as UTF-8 text")
                    }
                    files.append((name, text))
                }
            }
            for file in files {
                let documents: [(value: ManifestValue, location: SourceLocation)]
                do { documents = try ManifestYAML.documents(file.text, file: file.name) } catch { throw CommandFailure("\(error)") }
                for (value, location) in documents {
                    guard value.object != nil else {
                        throw CommandFailure("\(location): expected a Kubernetes object (a mapping with apiVersion and kind)")
                    }
                    if value["kind"]?.string == "List" || value["kind"]?.string?.hasSuffix("List") == true,
                        let items = value["items"]?.array
                    {
                        objects += items
                    } else {
                        objects.append(value)
                    }
                }
            }
        }
        return objects
    }
}

struct LocalApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply", abstract: "Apply manifests with server-side-apply semantics; all objects are checked before any is stored.")

    @OptionGroup var options: LocalOptions
    @Option(name: .shortAndLong, help: "A file, a directory, or - for standard input (repeatable).") var filename: [String] = []
    @Option(name: .customLong("field-manager"), help: "The field manager that owns the applied fields.") var fieldManager = "slipway"
    @Flag(name: .customLong("force-conflicts"), help: "Take over fields another manager owns instead of failing.") var force = false

    func run() async throws {
        guard !filename.isEmpty else { throw ValidationError("give manifests with -f FILE|DIR|-") }
        let objects = try ManifestFiles.read(filename)
        let body = ManifestValue.array(objects).jsonText
        let path = "/v1/apply" + LocalTargetConnection.query([("manager", fieldManager), ("force", force ? "true" : nil)])
        let results = try await options.client.json(.POST, path, body: body)
        for result in results.array ?? [] {
            let kind = result["kind"]?.string?.lowercased() ?? ""
            let group = result["group"]?.string ?? ""
            print("\(group.isEmpty ? kind : "\(kind).\(group)")/\(result["name"]?.string ?? "") \(result["outcome"]?.string ?? "")")
            for warning in result["warnings"]?.array ?? [] {
                FileHandle.standardError.write(Data("Warning: \(warning.string ?? "")\n".utf8))
            }
        }
    }
}

struct LocalGetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "List objects with their status, as kubectl get does.")

    @OptionGroup var options: LocalOptions
    @Argument(help: "Kind (deployments, pods, svc, vs, dr, ...).") var kind: String
    @Argument(help: "Name.") var name: String?
    @Option(name: .shortAndLong, help: "Namespace.") var namespace = "default"
    @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "Every namespace.") var allNamespaces = false
    @Option(name: .shortAndLong, help: "Output: table, wide, yaml, json or name.") var output = "table"

    func run() async throws {
        guard let resolved = ObjectKind.named(kind) else {
            throw CommandFailure("error: the server doesn't have a resource type \"\(kind)\"")
        }
        let objects =
            try await options.client.json(
                .GET,
                "/v1/objects"
                    + LocalTargetConnection.query([
                        ("kind", resolved.kind), ("namespace", allNamespaces ? nil : namespace), ("name", name),
                    ])
            ).array ?? []
        switch output {
        case "yaml":
            for (index, object) in objects.enumerated() {
                if index > 0 { print("---") }
                print(try GoYAMLEmitter.document(object), terminator: "")
            }
        case "json":
            print(
                objects.count == 1 && name != nil
                    ? objects[0].jsonText : ManifestValue.object(["kind": .string("List"), "items": .array(objects)]).jsonText)
        case "name":
            for object in objects { print("\(resolved.qualifiedName)/\(object.value(at: ["metadata", "name"])?.string ?? "")") }
        case "table", "wide":
            if objects.isEmpty {
                FileHandle.standardError.write(Data("No resources found in \(allNamespaces ? "any" : namespace) namespace.\n".utf8))
                return
            }
            print(ObjectTable.render(objects, kind: resolved, wide: output == "wide", namespaces: allNamespaces))
        default:
            throw ValidationError("--output must be table, wide, yaml, json or name")
        }
    }
}

struct LocalDescribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe", abstract: "Show one object in full, with its status and conditions.")

    @OptionGroup var options: LocalOptions
    @Argument(help: "Kind.") var kind: String
    @Argument(help: "Name.") var name: String
    @Option(name: .shortAndLong, help: "Namespace.") var namespace = "default"

    func run() async throws {
        guard let resolved = ObjectKind.named(kind) else {
            throw CommandFailure("error: the server doesn't have a resource type \"\(kind)\"")
        }
        let objects = try await options.client.json(
            .GET, "/v1/objects" + LocalTargetConnection.query([("kind", resolved.kind), ("namespace", namespace), ("name", name)]))
        guard let object = objects.array?.first else { throw CommandFailure("\(resolved.resource) \"\(name)\" not found") }
        print(try GoYAMLEmitter.document(object), terminator: "")
        if resolved == .deployment || resolved == .replicaSet {
            let pods =
                try await options.client.json(
                    .GET, "/v1/objects" + LocalTargetConnection.query([("kind", "Pod"), ("namespace", namespace)])
                ).array ?? []
            let owned = pods.filter { pod in
                (pod.value(at: ["metadata", "ownerReferences"])?.array?.first?["name"]?.string ?? "").hasPrefix(name + "-")
                    || resolved == .replicaSet
                        && pod.value(at: ["metadata", "ownerReferences"])?.array?.first?["name"]?.string == name
            }
            if !owned.isEmpty { print("Pods:\n" + ObjectTable.render(owned, kind: .pod, wide: true, namespaces: false)) }
        }
    }
}

struct LocalLogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs", abstract: "Print a pod's output (stdout and stderr, across restarts).")

    @OptionGroup var options: LocalOptions
    @Argument(help: "Pod name.") var pod: String
    @Option(name: .shortAndLong, help: "Namespace.") var namespace = "default"

    func run() async throws {
        let (status, text) = try await options.client.send(
            .GET, "/v1/logs" + LocalTargetConnection.query([("namespace", namespace), ("name", pod)]))
        guard status == 200 else { throw CommandFailure((try? ManifestValue(json: Data(text.utf8)))?["error"]?.string ?? text) }
        print(text, terminator: "")
    }
}

struct LocalDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete objects by kind and name, or those a manifest names; pods stop gracefully, owned objects follow.")

    @OptionGroup var options: LocalOptions
    @Argument(help: "Kind and name, or nothing with -f.") var target: [String] = []
    @Option(name: .shortAndLong, help: "A file, a directory, or - (repeatable).") var filename: [String] = []
    @Option(name: .shortAndLong, help: "Namespace.") var namespace = "default"
    @Flag(name: .customLong("ignore-not-found"), help: "Succeed when the object does not exist.") var ignoreNotFound = false

    func run() async throws {
        var keys: [(kind: String, namespace: String, name: String)] = []
        if !filename.isEmpty {
            for object in try ManifestFiles.read(filename) {
                keys.append(
                    (
                        object["kind"]?.string ?? "", object.value(at: ["metadata", "namespace"])?.string ?? namespace,
                        object.value(at: ["metadata", "name"])?.string ?? ""
                    ))
            }
        } else {
            guard target.count == 2 else { throw ValidationError("give KIND NAME, or -f FILE") }
            guard let kind = ObjectKind.named(target[0]) else {
                throw CommandFailure("error: the server doesn't have a resource type \"\(target[0])\"")
            }
            keys.append((kind.kind, namespace, target[1]))
        }
        for key in keys {
            let (status, text) = try await options.client.send(
                .DELETE,
                "/v1/objects" + LocalTargetConnection.query([("kind", key.kind), ("namespace", key.namespace), ("name", key.name)]))
            if status == 404, ignoreNotFound { continue }
            guard status == 200 else { throw CommandFailure((try? ManifestValue(json: Data(text.utf8)))?["error"]?.string ?? text) }
            print("\((try? ManifestValue(json: Data(text.utf8)))?["deleted"]?.string ?? key.name) deleted")
        }
    }
}
