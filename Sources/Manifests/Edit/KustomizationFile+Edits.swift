import Core
import Foundation

/// The edits of `kustomize edit`: `set image`, `set namespace`, `add resource`.
extension KustomizationFile {
    /// The usage text kustomize prints for a malformed image argument.
    public static let imageFormatHelp = """
        invalid format of image, use one of the following options:
        - <image>=<newimage>:<newtag>
        - <image>=<newimage>@<digest>
        - <image>=<newimage>:<newtag>@<digest>
        - <image>=<newimage>
        - <image>:<newtag>
        - <image>:<newtag>@<digest>
        - <image>@<digest>
        """

    /// Parses `NAME[=NEWNAME][:TAG][@DIGEST]` as kustomize does (no tag validation; `*` keeps a field).
    public static func parseImageArgument(_ argument: String) throws(KustomizeError) -> Kustomization.Image {
        var key = ""
        var value = argument
        if let equals = argument.firstIndex(of: "=") {
            key = String(argument[..<equals])
            value = String(argument[argument.index(after: equals)...])
        }
        let (name, tag, digest) = ImageMatcher.split(value)
        if name == argument { throw .build(imageFormatHelp) }
        if key.isEmpty { return Kustomization.Image(name: name, newTag: tag, digest: digest) }
        return Kustomization.Image(name: key, newName: name, newTag: tag, digest: digest)
    }

    /// `kustomize edit set image`: each argument replaces the entry of the same name (fields given as `*` keep their
    /// old value, unspecified ones are dropped); the list ends sorted by name.
    public mutating func setImages(_ arguments: [String]) throws(KustomizeError) {
        guard !arguments.isEmpty else { throw .build("no image specified") }
        var updates: [String: Kustomization.Image] = [:]
        for argument in arguments {
            let image = try Self.parseImageArgument(argument)
            updates[image.name] = image
        }
        var entries: [String: [String: ManifestValue]] = [:]
        var order: [String] = []
        for item in fields["images"]?.array ?? [] {
            guard let object = item.object else { continue }
            let name = object["name"]?.string ?? ""
            if entries[name] == nil { order.append(name) }
            entries[name] = object
        }
        for (name, update) in updates {
            let old = entries[name] ?? [:]
            var entry: [String: ManifestValue] = ["name": .string(name)]
            func keep(_ key: String, _ new: String) {
                let chosen = new == "*" ? (old[key]?.string ?? "") : new
                if !chosen.isEmpty { entry[key] = .string(chosen) }
            }
            keep("newName", update.newName)
            keep("newTag", update.newTag)
            keep("digest", update.digest)
            if entries[name] == nil { order.append(name) }
            entries[name] = entry
        }
        let sorted = order.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        fields["images"] = .array(sorted.compactMap { entries[$0].map(ManifestValue.object) })
    }

    /// `kustomize edit set namespace`.
    public mutating func setNamespace(_ namespace: String) throws(KustomizeError) {
        let valid =
            !namespace.isEmpty && namespace.count <= 63
            && namespace.unicodeScalars.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-" }
            && namespace.first != "-" && namespace.last != "-"
        guard valid else {
            throw .build(
                "invalid namespace \"\(namespace)\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or "
                    + "'-', and must start and end with an alphanumeric character"
            )
        }
        fields["namespace"] = .string(namespace)
    }

    /// `kustomize edit add resource`: globs are expanded relative to the kustomization; entries already present are
    /// skipped.
    public mutating func addResources(_ patterns: [String]) throws(KustomizeError) -> [String] {
        guard !patterns.isEmpty else { throw .build("must specify a resource file") }
        let directory = FilePathText.parent(of: path)
        var resources = (fields["resources"]?.array ?? []).compactMap(\.string)
        var skipped: [String] = []
        for pattern in patterns {
            let matches = Self.glob(pattern, in: directory)
            guard !matches.isEmpty else { throw .build("\(pattern) has no match: must build at directory: not a valid directory") }
            for match in matches {
                if resources.contains(match) {
                    skipped.append("resource \(match) already in kustomization file")
                } else {
                    resources.append(match)
                }
            }
        }
        fields["resources"] = .array(resources.map(ManifestValue.string))
        return skipped
    }

    static func glob(_ pattern: String, in directory: String) -> [String] {
        let special = pattern.contains { "*?[".contains($0) }
        if !special {
            let full = pattern.hasPrefix("/") ? pattern : directory + "/" + pattern
            return FileManager.default.fileExists(atPath: full) || pattern.contains("://") ? [pattern] : []
        }
        let parent = FilePathText.parent(of: pattern)
        let leaf = (pattern as NSString).lastPathComponent
        let base = parent.isEmpty ? directory : (parent.hasPrefix("/") ? parent : directory + "/" + parent)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
        return names.filter { fnmatch(leaf, $0, 0) == 0 && !$0.hasPrefix(".") }.sorted()
            .map { parent.isEmpty ? $0 : parent + "/" + $0 }
    }
}
