import Core
import Foundation

/// A kustomization file as `kustomize edit` rewrites it: the whole file is re-serialised field by field — full-line
/// comments and blank lines stay above the field they precede (those inside a field's body move above its key),
/// inline and trailing comments are lost, fields keep their original order and new ones follow in kustomize's
/// canonical order. The result is what kustomize v5.5 writes, so running an edit twice changes nothing.
public struct KustomizationFile: Sendable {
    public static let fieldOrder = [
        "apiVersion", "kind", "metadata", "sortOptions", "resources", "bases", "namePrefix", "nameSuffix", "namespace",
        "crds", "commonLabels", "labels", "commonAnnotations", "patchesStrategicMerge", "patchesJson6902", "patches",
        "configMapGenerator", "secretGenerator", "helmCharts", "helmChartInflationGenerator", "helmGlobals",
        "generatorOptions", "vars", "images", "replacements", "replicas", "configurations", "generators",
        "transformers", "validators", "components", "openapi", "buildMetadata",
    ]

    struct Section: Sendable {
        var field: String
        var comments: [String]
    }

    public let path: String
    /// Field values by canonical name, as decoded (YAML 1.1).
    public var fields: [String: ManifestValue]
    var sections: [Section]

    /// Reads the kustomization in `directory`; errors read like kustomize's.
    public init(directory: String) throws(KustomizeError) {
        let found = Kustomization.files(in: directory)
        guard let name = found.first else { throw .build("Missing kustomization file 'kustomization.yaml'.") }
        guard found.count == 1 else { throw .build("Found multiple kustomization file: \(found)") }
        path = directory + "/" + name
        guard let data = FileManager.default.contents(atPath: path), var text = String(data: data, encoding: .utf8) else {
            throw .resource(file: path, message: "cannot read the file as UTF-8")
        }
        text = text.replacingOccurrences(of: "\r\n", with: "\n")
        let raw: ManifestValue
        do {
            raw = try ManifestYAML.documents(text, file: path, dialect: .yaml11).first?.value ?? .object([:])
        } catch {
            throw .resource(file: path, message: error.description)
        }
        do {
            _ = try Kustomization(decoding: raw)
        } catch .decode(let message) {
            throw .kustomization(file: path, message: message)
        }
        var fields: [String: ManifestValue] = [:]
        for (key, value) in raw.object ?? [:] {
            guard let canonical = Kustomization.fieldNames.first(where: { $0.lowercased() == key.lowercased() }) else {
                continue
            }
            fields[canonical] = value
        }
        self.fields = fields
        sections = Self.layout(text)
        fix()
    }

    /// kustomize's `FixKustomization`: type metadata filled in, `bases` into `resources`, `imageTags` into `images`.
    mutating func fix() {
        if (fields["kind"]?.string ?? "").isEmpty { fields["kind"] = .string("Kustomization") }
        if (fields["apiVersion"]?.string ?? "").isEmpty {
            fields["apiVersion"] = .string(
                fields["kind"]?.string == "Component"
                    ? "kustomize.config.k8s.io/v1alpha1" : "kustomize.config.k8s.io/v1beta1")
        }
        if let bases = fields["bases"]?.array, !bases.isEmpty {
            fields["resources"] = .array((fields["resources"]?.array ?? []) + bases)
            fields["bases"] = nil
        }
        if let tags = fields["imageTags"]?.array, !tags.isEmpty {
            fields["images"] = .array((fields["images"]?.array ?? []) + tags)
        }
        fields["imageTags"] = nil
    }

    /// Full-line comments and blank lines attach above the next field key; those inside a field's body attach to
    /// that field (above its key). Only lines ending in a newline take part, as in kustomize.
    static func layout(_ text: String) -> [Section] {
        var sections: [Section] = []
        var comments: [String] = []
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.removeLast()  // the text after the final newline
        for line in lines {
            let trimmed = line.drop { $0 == " " }
            if trimmed.isEmpty || trimmed.hasPrefix("#") {
                comments.append(line + "\n")
            } else if let field = fieldOrder.first(where: { startsField(line, $0) }) {
                sections.append(Section(field: field, comments: comments))
                comments = []
            } else if !comments.isEmpty, !sections.isEmpty {
                sections[sections.count - 1].comments += comments
                comments = []
            }
        }
        return sections
    }

    static func startsField(_ line: String, _ field: String) -> Bool {
        guard line.count > field.count, line[line.index(line.startIndex, offsetBy: field.count)] == ":" else {
            return false
        }
        return line.prefix(field.count).lowercased() == field.lowercased()
    }

    /// The file as kustomize writes it.
    public func render() throws(KustomizeError) -> String {
        var out = ""
        var written: Set<String> = []
        for section in sections {
            out += section.comments.joined()
            out += try marshal(section.field)
            written.insert(section.field)
        }
        for field in Self.fieldOrder where !written.contains(field) {
            out += try marshal(field)
        }
        return out
    }

    func marshal(_ field: String) throws(KustomizeError) -> String {
        guard let value = fields[field].map({ Self.omittingEmpty($0, key: field) }), !Self.isEmpty(value) else {
            return ""
        }
        do {
            return try GoYAMLEmitter.orderedMapping([(field, value)])
        } catch {
            throw .resource(file: path, message: "\(field): \(error)")
        }
    }

    /// Go's `omitempty` over kustomize's types: empty strings, false, zero-length lists and maps vanish (a replica's
    /// `count` is not omitempty).
    static func omittingEmpty(_ value: ManifestValue, key: String) -> ManifestValue {
        switch value {
        case .object(let fields):
            var result: [String: ManifestValue] = [:]
            for (name, item) in fields {
                let cleaned = omittingEmpty(item, key: name)
                if isEmpty(cleaned) && !(name == "count" && key == "replicas") { continue }
                result[name] = cleaned
            }
            return .object(result)
        case .array(let items):
            return .array(items.map { omittingEmpty($0, key: key) })
        default:
            return value
        }
    }

    static func isEmpty(_ value: ManifestValue) -> Bool {
        switch value {
        case .null: true
        case .string(let text): text.isEmpty
        case .bool(let flag): !flag
        case .integer(let text): text == "0"
        case .array(let items): items.isEmpty
        case .object(let fields): fields.isEmpty
        default: false
        }
    }

    /// Writes the file atomically (the old one stays whole if anything fails).
    public func write() throws(KustomizeError) {
        let text = try render()
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .resource(file: path, message: "cannot write: \(error.localizedDescription)")
        }
    }
}
