import Core
import Expressions
import Foundation
import Workflows

/// A job's `container:` or one `services:` entry, evaluated: the image and what Slipway does with the rest.
struct JobContainerSpec: Sendable {
    var image: String
    var env: [(String, String)] = []
    var credentials: RegistryLogin?
    /// `host:container[:ro]` bind mounts.
    var volumes: [ContainerSandbox.Volume] = []
    /// `ports:` as written (services share this machine's network, so a port is reached as the service serves it).
    var ports: [String] = []
    /// Keys Slipway reads but does not honour, each with why (reported in the job's log).
    var notHonoured: [String] = []

    /// Nil when the image is empty (GitHub then runs the job on the runner itself).
    static func evaluate(_ node: YAMLNode, in context: ExpressionContext, what: String) throws -> JobContainerSpec? {
        if node.scalar != nil {
            let image = try TemplateValue.string(node, in: context).trimmingCharacters(in: .whitespaces)
            return image.isEmpty ? nil : JobContainerSpec(image: image)
        }
        guard node.mapping != nil else { return nil }
        let image = try node["image"].map { try TemplateValue.string($0, in: context) }?.trimmingCharacters(in: .whitespaces) ?? ""
        guard !image.isEmpty else { return nil }
        var spec = JobContainerSpec(image: image)
        for (key, value) in node["env"]?.mapping ?? [] {
            if let name = key.scalar { spec.env.append((name, try TemplateValue.string(value, in: context))) }
        }
        if let credentials = node["credentials"] {
            let username = try credentials["username"].map { try TemplateValue.string($0, in: context) } ?? ""
            let password = try credentials["password"].map { try TemplateValue.string($0, in: context) } ?? ""
            if !username.isEmpty || !password.isEmpty { spec.credentials = RegistryLogin(username: username, password: password) }
        }
        for item in node["volumes"]?.sequence ?? [] {
            let text = try TemplateValue.string(item, in: context)
            let parts = text.split(separator: ":", maxSplits: 2).map(String.init)
            let options = parts.count == 3 ? parts[2].split(separator: ",").map(String.init) : []
            if parts.count >= 2, parts[0].hasPrefix("/"), parts[1].hasPrefix("/"), options.allSatisfy({ ["ro", "rw"].contains($0) }) {
                spec.volumes.append(.init(host: parts[0], container: parts[1], readOnly: options.contains("ro")))
            } else {
                spec.notHonoured.append(
                    "\(what) volume '\(text)': only HOST_PATH:CONTAINER_PATH[:ro] binds are made (no named volumes or other options)")
            }
        }
        for item in node["ports"]?.sequence ?? [] { spec.ports.append(try TemplateValue.string(item, in: context)) }
        if let options = node["options"], let text = try? TemplateValue.string(options, in: context), !text.isEmpty {
            spec.notHonoured.append("\(what) options '\(text)' are not honoured (there is no container runtime to pass them to)")
        }
        return spec
    }
}
