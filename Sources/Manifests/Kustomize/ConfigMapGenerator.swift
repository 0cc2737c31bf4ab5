import Core
import Crypto
import Foundation

/// `configMapGenerator` and `secretGenerator`: objects from literals, files and env files, with kustomize's name
/// hash (over data and kind only — the name never takes part, so identical data gives an identical suffix).
struct ConfigMapGenerator {
    /// The kustomization declaring the generators, for messages.
    let file: String

    /// `read` returns the bytes of a file named by the generator (relative to the kustomization).
    func generate(
        _ generator: Kustomization.Generator, secret: Bool, global: Kustomization.GeneratorOptions?,
        read: (String) throws(KustomizeError) -> Data
    ) throws(KustomizeError) -> Resource {
        var data: [String: ManifestValue] = [:]
        var binary: [String: ManifestValue] = [:]
        func put(_ key: String, _ bytes: Data, origin: String) throws(KustomizeError) {
            guard data[key] == nil, binary[key] == nil else {
                throw .kustomization(
                    file: file, message: "\(generator.field): cannot add key \(key), another key by that name already exists")
            }
            if secret {
                data[key] = .string(Self.base64Lines(bytes))
            } else if let text = String(data: bytes, encoding: .utf8) {
                data[key] = .string(text)
            } else {
                binary[key] = .string(Self.base64Lines(bytes))
            }
        }
        for source in generator.envs {
            let bytes = try read(source)
            for (key, value) in try Self.envPairs(bytes, source: source, file: file, field: generator.field) {
                try put(key, Data(value.utf8), origin: source)
            }
        }
        for literal in generator.literals {
            guard let equals = literal.firstIndex(of: "=") else {
                throw .kustomization(
                    file: file,
                    message: "\(generator.field): invalid literal source \(literal), expected key=value")
            }
            let key = String(literal[..<equals])
            var value = String(literal[literal.index(after: equals)...])
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            try put(key, Data(value.utf8), origin: literal)
        }
        for source in generator.files {
            var key = ""
            var path = source
            if let equals = source.firstIndex(of: "=") {
                key = String(source[..<equals])
                path = String(source[source.index(after: equals)...])
                if key.isEmpty {
                    throw .kustomization(
                        file: file, message: "\(generator.field): key names or file paths cannot be empty: \(source)")
                }
            } else {
                key = (path as NSString).lastPathComponent
            }
            try put(key, try read(path), origin: source)
        }

        var metadata: [String: ManifestValue] = ["name": .string(generator.name)]
        if !generator.namespace.isEmpty { metadata["namespace"] = .string(generator.namespace) }
        var labels = global?.labels ?? [:]
        var annotations = global?.annotations ?? [:]
        for (key, value) in generator.options?.labels ?? [:] { labels[key] = value }
        for (key, value) in generator.options?.annotations ?? [:] { annotations[key] = value }
        if !labels.isEmpty { metadata["labels"] = .object(labels.mapValues { .string($0) }) }
        if !annotations.isEmpty { metadata["annotations"] = .object(annotations.mapValues { .string($0) }) }
        var object: [String: ManifestValue] = [
            "apiVersion": .string("v1"), "kind": .string(secret ? "Secret" : "ConfigMap"), "metadata": .object(metadata),
        ]
        // kustomize always gives a generated Secret a data map, empty or not (and hashes it so); a ConfigMap only when
        // it has entries.
        if !data.isEmpty || secret { object["data"] = .object(data) }
        if !binary.isEmpty { object["binaryData"] = .object(binary) }
        if secret { object["type"] = .string(generator.type.isEmpty ? "Opaque" : generator.type) }
        if global?.immutable == true || generator.options?.immutable == true { object["immutable"] = .bool(true) }
        var resource = Resource(object: .object(object), origin: file)
        let disabled = global?.disableNameSuffixHash == true || generator.options?.disableNameSuffixHash == true
        resource.generator = Resource.GeneratorInfo(appendHash: !disabled)
        return resource
    }

    /// `KEY=VALUE` lines; blank lines and `#` comments skipped; values kept verbatim (quotes included).
    static func envPairs(
        _ bytes: Data, source: String, file: String, field: String
    ) throws(KustomizeError) -> [(String, String)] {
        var text: String
        do { text = try SourceText.decode(bytes, file: source) } catch {
            throw .kustomization(file: file, message: "\(field): env file \(error)")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var pairs: [(String, String)] = []
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            line = line.drop { $0.isWhitespace }
            if line.isEmpty || line.hasPrefix("#") { continue }
            let key: String
            let value: String
            if let equals = line.firstIndex(of: "=") {
                key = String(line[..<equals])
                value = String(line[line.index(after: equals)...])
            } else {
                key = String(line)
                value = ProcessInfo.processInfo.environment[key] ?? ""
            }
            guard !key.isEmpty, !key.contains(where: { $0.isWhitespace }) else {
                throw .kustomization(
                    file: file,
                    message: "\(field): \(source):\(number + 1): invalid key \"\(key)\": keys may not contain whitespace")
            }
            pairs.append((key, value))
        }
        return pairs
    }

    /// Base64 in 70-character lines once the encoding reaches 70 characters (each line ends with a newline), as
    /// kustomize writes generated Secret data.
    static func base64Lines(_ bytes: Data) -> String {
        let encoded = bytes.base64EncodedString()
        guard encoded.count >= 70 else { return encoded }
        var out = ""
        var chunk = Substring(encoded)
        while !chunk.isEmpty {
            out += chunk.prefix(70) + "\n"
            chunk = chunk.dropFirst(70)
        }
        return out
    }

    /// kustomize's name-suffix hash of a generated ConfigMap or Secret.
    static func hash(_ resource: Resource) -> String {
        var fields: [String: ManifestValue] = [
            "kind": .string(resource.kind), "name": .string(""), "data": resource.object["data"] ?? .string(""),
        ]
        if resource.kind == "Secret" {
            fields["type"] = resource.object["type"] ?? .string("")
            if let stringData = resource.object["stringData"] { fields["stringData"] = stringData }
        } else if let binary = resource.object["binaryData"] {
            fields["binaryData"] = binary
        }
        let json = GoJSON.encode(.object(fields))
        let digest = SHA256.hash(data: Data(json.utf8))
        let hex = digest.map { String(format: "%02x", $0) }.joined()
        return String(
            hex.prefix(10).map { character -> Character in
                switch character {
                case "0": "g"
                case "1": "h"
                case "3": "k"
                case "a": "m"
                case "e": "t"
                default: character
                }
            })
    }
}
