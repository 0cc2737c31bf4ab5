/// `vars` as kustomize v5.5 resolves them: each level ties its vars to the object `objref` names (by any name it has
/// had), vars from every level must have distinct names, and once the build is complete (after hashes and name
/// references) `$(NAME)` in the fields of the var-reference table is replaced by the named field's value.
extension ResourceSet {
    /// Ties a level's vars to their objects and adds them to the set.
    mutating func mergeVars(_ incoming: [Kustomization.Var], file: String) throws(KustomizeError) {
        for variable in incoming {
            let matched = resources.indices.filter { resources[$0].isNamed(by: variable) }
            if matched.count > 1 {
                throw .kustomization(
                    file: file,
                    message: "vars: found \(matched.count) resId matches for var '\(variable.name)' (unable to disambiguate)")
            }
            if let index = matched.first { resources[index].varNames.append(variable.name) }
        }
        do {
            try addVars(incoming)
        } catch .build(let message) {
            throw .kustomization(file: file, message: "vars: \(message)")
        }
    }

    /// Adds vars to the set; each name may come once, from whichever level.
    mutating func addVars(_ incoming: [Kustomization.Var]) throws(KustomizeError) {
        for variable in incoming {
            guard !vars.contains(where: { $0.name == variable.name }) else { throw .build("var '\(variable.name)' already encountered") }
            vars.append(variable)
        }
    }

    /// Replaces `$(NAME)` everywhere the var-reference table points; returns kustomize's note on vars never used.
    mutating func resolveVars() throws(KustomizeError) -> [String] {
        guard !vars.isEmpty else { return [] }
        var values: [String: ManifestValue] = [:]
        for variable in vars.sorted(by: { $0.name < $1.name }) {
            guard let holder = resources.first(where: { $0.varNames.contains(variable.name) }) else {
                throw .build(
                    "var '\(variable.name)' cannot be mapped to a field in the set of known resources (objref \(variable.kind) "
                        + "'\(variable.objectName)' with apiVersion '\(variable.apiVersion)')")
            }
            let path = Self.varFieldPath(variable.fieldPath)
            guard let value = Self.values(at: path[...], in: holder.object).first else {
                throw .build(
                    "field specified in var '\(variable.name)' (\(variable.fieldPath)) not found in corresponding resource \(holder.idText)"
                )
            }
            values[variable.name] = value
        }
        var expansion = VarExpansion(values: values)
        for index in resources.indices {
            var object = resources[index].object
            for spec in config.varReferences where spec.applies(to: resources[index]) {
                try object.visit(spec.path[...], create: false) { (value: inout ManifestValue) throws(KustomizeError) in
                    try expansion.expand(&value)
                }
            }
            resources[index].object = object
        }
        let unused = values.keys.filter { expansion.used[$0] == nil }.sorted()
        return unused.isEmpty ? [] : ["well-defined vars that were never replaced: \(unused.joined(separator: ","))"]
    }

    /// A var's field path: dots between fields, `name[2]` for an element, `[a.b]` for a key holding dots.
    static func varFieldPath(_ text: String) -> [String] {
        fieldPath(text).flatMap { segment -> [String] in
            guard segment.hasSuffix("]"), let open = segment.lastIndex(of: "["), open != segment.startIndex else { return [segment] }
            let index = segment[segment.index(after: open)..<segment.index(before: segment.endIndex)]
            guard !index.isEmpty, index.allSatisfy(\.isASCIIDigit) else { return [segment] }
            return [String(segment[..<open]), String(index)]
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

extension Resource {
    /// Whether a var's `objref` names this object: group, version, kind and name (current or earlier) must all be
    /// equal, and the namespace too when the var gives one or the kind is cluster-scoped.
    func isNamed(by variable: Kustomization.Var) -> Bool {
        guard group == variable.group, version == variable.version else { return false }
        let checkNamespace = !variable.namespace.isEmpty || isClusterScoped
        let wanted = variable.namespace.isEmpty ? "default" : variable.namespace
        let ids = previousIDs + [PreviousID(kind: kind, name: name, namespace: effectiveNamespace)]
        return ids.contains { id in
            id.kind == variable.kind && id.name == variable.objectName
                && (!checkNamespace || id.namespace == (isClusterScoped ? Self.clusterScopeMarker : wanted))
        }
    }
}

extension Kustomization.Var {
    var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
}

/// kustomize's `$(VAR)` expansion (refvar): in strings only; `$$` is a literal `$`; a string that is exactly one
/// `$(VAR)` takes the value's own type; unknown names stay as written; maps and lists are never substituted.
struct VarExpansion {
    let values: [String: ManifestValue]
    var used: [String: Int] = [:]

    mutating func expand(_ value: inout ManifestValue) throws(KustomizeError) {
        switch value {
        case .string(let text):
            value = substitute(text)
        case .object(var fields):
            for key in fields.keys.sorted() {
                guard case .string(let text)? = fields[key] else { continue }
                fields[key] = substitute(text)
            }
            value = .object(fields)
        case .array(var items):
            for index in items.indices {
                guard case .string(let text) = items[index] else {
                    if items[index].isNull { continue }
                    throw .build("invalid value type expect a string")
                }
                items[index] = substitute(text)
            }
            value = .array(items)
        default:
            return
        }
    }

    /// The replacement for one name: scalars count as used; anything else keeps `$(NAME)`.
    mutating func lookup(_ name: String) -> ManifestValue? {
        guard let value = values[name], value.isScalar, !value.isNull else { return nil }
        used[name, default: 0] += 1
        return value
    }

    mutating func substitute(_ input: String) -> ManifestValue {
        let bytes = Array(input.utf8)
        var output: [UInt8] = []
        var checkpoint = 0
        var cursor = 0
        while cursor < bytes.count {
            if bytes[cursor] == UInt8(ascii: "$") && cursor + 1 < bytes.count {
                output += bytes[checkpoint..<cursor]
                let next = bytes[cursor + 1]
                var advance = 1
                if next == UInt8(ascii: "$") {
                    output.append(next)
                } else if next == UInt8(ascii: "("), let close = bytes[(cursor + 2)...].firstIndex(of: UInt8(ascii: ")")) {
                    let name = String(decoding: bytes[(cursor + 2)..<close], as: UTF8.self)
                    let mapped = lookup(name)
                    if input == "$(\(name))" { return mapped ?? .string(input) }
                    output += Array((mapped.flatMap(Self.text) ?? "$(\(name))").utf8)
                    advance = close - cursor
                } else {
                    output += [UInt8(ascii: "$"), next]
                }
                cursor += advance
                checkpoint = cursor + 1
            }
            cursor += 1
        }
        output += bytes[min(checkpoint, bytes.count)...]
        return .string(String(decoding: output, as: UTF8.self))
    }

    /// Go's `%v` of a scalar.
    static func text(_ value: ManifestValue) -> String? {
        switch value {
        case .float(let number): GoFloat.formatV(number)
        default: value.scalarText
        }
    }
}
