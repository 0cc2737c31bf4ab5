import Foundation

/// `replacements`: copy a field of one resource into fields of others. Field paths are dot-separated with
/// `[name=value]` list selectors, numeric indices, `*` for every element, and `[a.b/c]` for keys holding dots.
extension ResourceSet {
    mutating func replace(_ replacement: Kustomization.Replacement, file: String, field: String) throws(KustomizeError) {
        let sourceSelector = try ResourceSelector(replacement.source)
        let sources = resources.filter(sourceSelector.matches)
        guard let source = sources.first else {
            throw .kustomization(file: file, message: "\(field): nothing selected by \(Self.describe(replacement.source))")
        }
        guard sources.count == 1 else {
            throw .kustomization(
                file: file,
                message: "\(field): multiple matches for selector \(Self.describe(replacement.source))")
        }
        let sourcePath = Self.fieldPath(replacement.sourceFieldPath.isEmpty ? "metadata.name" : replacement.sourceFieldPath)
        let found = Self.values(at: sourcePath[...], in: source.object)
        guard var value = found.first else {
            throw .kustomization(
                file: file,
                message: "\(field): fieldPath `\(replacement.sourceFieldPath)` is missing for replacement source \(source.idText)")
        }
        let options = replacement.sourceOptions
        if !options.delimiter.isEmpty, let text = value.string {
            let parts = text.components(separatedBy: options.delimiter)
            guard options.index >= 0, options.index < parts.count else {
                throw .kustomization(file: file, message: "\(field): options.index \(options.index) is out of bounds for value \(text)")
            }
            value = .string(parts[options.index])
        }
        for target in replacement.targets {
            let select = try ResourceSelector(target.select)
            let rejects = try target.reject.map { (selector) throws(KustomizeError) in try ResourceSelector(selector) }
            for index in resources.indices {
                let resource = resources[index]
                guard select.matches(resource), !rejects.contains(where: { $0.matches(resource) }) else { continue }
                for path in target.fieldPaths {
                    let segments = Self.fieldPath(path)
                    var object = resources[index].object
                    let changed = try Self.set(
                        value, at: segments[...], in: &object, options: target.options, file: file, field: field)
                    if !changed && !target.options.create {
                        throw .kustomization(
                            file: file,
                            message: "\(field): unable to find field \"\(path)\" in replacement target \(resource.idText)")
                    }
                    resources[index].object = object
                }
            }
        }
    }

    /// kustomize copies only the text into an existing scalar and keeps that node's type (its resolved tag): a string
    /// target stays a string (`"3306"`, `"false"`, `""`), while a number, boolean or null target is read again from the
    /// new text (`"6"` copied into `replicas: 1` becomes the number 6).
    static func retyped(_ text: String, replacing target: ManifestValue) -> ManifestValue {
        if target.string != nil { return .string(text) }
        return ManifestYAML.resolvedValue(text, dialect: .yaml12)
    }

    static func describe(_ selector: Kustomization.Selector) -> String {
        var parts: [String] = []
        if !selector.kind.isEmpty { parts.append("kind \(selector.kind)") }
        if !selector.name.isEmpty { parts.append("name \(selector.name)") }
        if !selector.namespace.isEmpty { parts.append("namespace \(selector.namespace)") }
        return parts.isEmpty ? "an empty selector" : parts.joined(separator: ", ")
    }

    static func fieldPath(_ text: String) -> [String] {
        var segments: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            if character == "[" { depth += 1 }
            if character == "]" { depth -= 1 }
            if character == ".", depth == 0 {
                segments.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        segments.append(current)
        return segments.filter { !$0.isEmpty }
    }

    static func values(at path: ArraySlice<String>, in value: ManifestValue) -> [ManifestValue] {
        guard let segment = path.first else { return [value] }
        let rest = path.dropFirst()
        switch value {
        case .object(let fields):
            let key =
                segment.hasPrefix("[") && segment.hasSuffix("]") && !segment.contains("=")
                ? String(segment.dropFirst().dropLast()) : segment
            return fields[key].map { values(at: rest, in: $0) } ?? []
        case .array(let items):
            return matchingIndices(segment, in: items).flatMap { values(at: rest, in: items[$0]) }
        default:
            return []
        }
    }

    static func matchingIndices(_ segment: String, in items: [ManifestValue]) -> [Int] {
        if segment == "*" { return Array(items.indices) }
        if let index = Int(segment) { return items.indices.contains(index) ? [index] : [] }
        if segment.hasPrefix("["), segment.hasSuffix("]"), let equals = segment.firstIndex(of: "=") {
            let key = String(segment[segment.index(after: segment.startIndex)..<equals])
            let wanted = String(segment[segment.index(after: equals)..<segment.index(before: segment.endIndex)])
            return items.indices.filter { items[$0].object?[key]?.string == wanted }
        }
        return []
    }

    /// Sets the value at every place `path` reaches; true when at least one place was set.
    static func set(
        _ value: ManifestValue, at path: ArraySlice<String>, in target: inout ManifestValue,
        options: Kustomization.Replacement.Options, file: String, field: String
    ) throws(KustomizeError) -> Bool {
        guard let segment = path.first else {
            if !options.delimiter.isEmpty {
                let current = target.string ?? ""
                var parts = current.components(separatedBy: options.delimiter)
                let replacement = value.string ?? ""
                if options.index >= parts.count {
                    parts.append(replacement)
                } else if options.index < 0 {
                    parts.insert(replacement, at: 0)
                } else {
                    parts[options.index] = replacement
                }
                target = .string(parts.joined(separator: options.delimiter))
            } else if let text = value.scalarText, target.isScalar {
                target = Self.retyped(text, replacing: target)
            } else {
                target = value
            }
            return true
        }
        let rest = path.dropFirst()
        switch target {
        case .object(var fields):
            let key =
                segment.hasPrefix("[") && segment.hasSuffix("]") && !segment.contains("=")
                ? String(segment.dropFirst().dropLast()) : segment
            var changed = false
            if var child = fields[key] {
                fields[key] = nil
                changed = try set(value, at: rest, in: &child, options: options, file: file, field: field)
                fields[key] = child
            } else if options.create {
                var child: ManifestValue = rest.isEmpty ? .null : (Int(rest.first ?? "") != nil ? .array([]) : .object([:]))
                changed = try set(value, at: rest, in: &child, options: options, file: file, field: field)
                fields[key] = child
            }
            target = .object(fields)
            return changed
        case .array(var items):
            var changed = false
            for index in matchingIndices(segment, in: items) {
                changed = try set(value, at: rest, in: &items[index], options: options, file: file, field: field) || changed
            }
            target = .array(items)
            return changed
        case .null where options.create:
            var object = ManifestValue.object([:])
            let changed = try set(value, at: path, in: &object, options: options, file: file, field: field)
            target = object
            return changed
        default:
            return false
        }
    }
}
