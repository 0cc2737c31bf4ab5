/// `NAME=VALUE` options (`--secret`, `--var`, `--repo-map`, ...) as a dictionary; the last one wins.
func parsePairs(_ values: [String], what: String) throws(ValidationFailure) -> [String: String] {
    var result: [String: String] = [:]
    for value in values {
        guard let eq = value.firstIndex(of: "="), eq != value.startIndex else {
            throw ValidationFailure("\(what) '\(value)' must be NAME=VALUE")
        }
        result[String(value[..<eq])] = String(value[value.index(after: eq)...])
    }
    return result
}

/// A user-facing error that ends the command with exit code 2.
struct ValidationFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
