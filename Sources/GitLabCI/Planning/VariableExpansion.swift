/// GitLab's expansion of `$NAME` and `${NAME}` in variable values and the keywords GitLab expands (`environment`,
/// `image`, `rules:exists`, …): unknown names become empty, `$$` is a literal `$`.
public enum VariableExpansion {
    public static func expand(_ text: String, _ lookup: (String) -> String?) -> String {
        guard text.contains("$") else { return text }
        var result = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            guard character == "$" else {
                result.append(character)
                index = text.index(after: index)
                continue
            }
            let next = text.index(after: index)
            guard next < text.endIndex else {
                result.append("$")
                break
            }
            if text[next] == "$" {
                result.append("$")
                index = text.index(after: next)
            } else if text[next] == "{" {
                let start = text.index(after: next)
                if let close = text[start...].firstIndex(of: "}"), text[start..<close].allSatisfy(isNameCharacter), start < close {
                    result += lookup(String(text[start..<close])) ?? ""
                    index = text.index(after: close)
                } else {
                    result.append("$")
                    index = next
                }
            } else if isNameCharacter(text[next]) {
                var end = next
                while end < text.endIndex, isNameCharacter(text[end]) { end = text.index(after: end) }
                result += lookup(String(text[next..<end])) ?? ""
                index = end
            } else {
                result.append("$")
                index = next
            }
        }
        return result
    }

    static func isNameCharacter(_ character: Character) -> Bool {
        character == "_" || (character.isASCII && (character.isLetter || character.isNumber))
    }

    /// Every variable's value with references to the others expanded (as the runner does before the job starts); a
    /// value that refers back to itself keeps the reference's text empty rather than looping.
    public static func resolve(_ variables: [GitLabVariable]) -> [GitLabVariable] {
        let byName = Dictionary(variables.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
        var resolved: [String: String] = [:]
        func value(of name: String, visiting: Set<String>) -> String? {
            if let done = resolved[name] { return done }
            guard let variable = byName[name] else { return nil }
            guard variable.expand, !visiting.contains(name) else { return variable.value }
            let expanded = expand(variable.value) { inner in
                visiting.contains(inner) ? "" : value(of: inner, visiting: visiting.union([name]))
            }
            resolved[name] = expanded
            return expanded
        }
        return variables.map { variable in
            var copy = variable
            copy.value = value(of: variable.name, visiting: []) ?? variable.value
            return copy
        }
    }
}
