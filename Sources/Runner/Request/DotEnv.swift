/// Reads dotenv files (`--secret-file`, `--env-file`): `KEY=value`, `export KEY=value`, quotes, `\n` escapes in
/// double quotes, `#` comments.
public enum DotEnv {
    public struct SyntaxError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public static func parse(_ text: String, file: String) throws(SyntaxError) -> [(String, String)] {
        var result: [(String, String)] = []
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine)
            while line.first == " " { line = line.dropFirst() }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = line.dropFirst(7) }
            guard let eq = line.firstIndex(of: "=") else {
                throw SyntaxError(description: "\(file):\(number + 1):1: expected KEY=VALUE")
            }
            let key = trimmed(line[..<eq])
            var value = trimmed(line[line.index(after: eq)...])
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast()).replacing("\\n", with: "\n").replacing("\\\"", with: "\"")
            } else if value.count >= 2, value.hasPrefix("'"), value.hasSuffix("'") {
                value = String(value.dropFirst().dropLast())
            }
            result.append((key, value))
        }
        return result
    }

    static func trimmed(_ text: Substring) -> String {
        var s = text
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
