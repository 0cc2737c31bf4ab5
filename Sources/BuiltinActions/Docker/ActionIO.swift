import Foundation

/// The runner protocol a built-in action speaks, as @actions/core does: inputs from `INPUT_<NAME>` variables,
/// outputs and exported variables appended to the `GITHUB_OUTPUT` and `GITHUB_ENV` files, masks and groups as
/// workflow commands on standard output.
struct ActionIO {
    let environment: [String: String]

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// The input's value, trimmed unless asked otherwise (a separator may be a newline); empty when unset.
    func input(_ name: String, trimmed: Bool = true) -> String {
        let value = environment["INPUT_" + name.replacingOccurrences(of: " ", with: "_").uppercased()] ?? ""
        return trimmed ? value.trimmingCharacters(in: .whitespacesAndNewlines) : value
    }

    /// A YAML 1.2 core-schema boolean input, or `defaultValue` when unset.
    func bool(_ name: String, default defaultValue: Bool) throws -> Bool {
        let value = input(name)
        if value.isEmpty { return defaultValue }
        if ["true", "True", "TRUE"].contains(value) { return true }
        if ["false", "False", "FALSE"].contains(value) { return false }
        throw ActionFailure(
            "Input does not meet YAML 1.2 \"Core Schema\" specification: \(name)\nSupport boolean input list: `true | True | TRUE | "
                + "false | False | FALSE`"
        )
    }

    /// A list input: one entry per line, and per comma too unless `ignoreComma`; empty entries and `#` comment lines dropped.
    func list(_ name: String, ignoreComma: Bool) -> [String] {
        var items: [String] = []
        for line in input(name).split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if ignoreComma {
                items.append(trimmed)
            } else {
                items += trimmed.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            }
        }
        return items
    }

    func setOutput(_ name: String, _ value: String) throws { try appendCommand(file: "GITHUB_OUTPUT", name: name, value: value) }

    func exportVariable(_ name: String, _ value: String) throws { try appendCommand(file: "GITHUB_ENV", name: name, value: value) }

    /// Keeps a value out of every log line from now on.
    func mask(_ value: String) {
        for line in value.split(whereSeparator: \.isNewline) where !line.isEmpty { print("::add-mask::\(line)") }
    }

    func group<T>(_ title: String, _ body: () throws -> T) rethrows -> T {
        print("::group::\(title)")
        defer { print("::endgroup::") }
        return try body()
    }

    func warning(_ message: String) { print("::warning::\(message)") }

    /// `name<<DELIMITER` … `DELIMITER`, with a delimiter the value cannot contain.
    private func appendCommand(file variable: String, name: String, value: String) throws {
        guard let path = environment[variable], !path.isEmpty else {
            // Outside a workflow step: print instead.
            print("\(name)=\(value)")
            return
        }
        var delimiter = "ghadelimiter_\(UUID().uuidString)"
        while value.contains(delimiter) { delimiter = "ghadelimiter_\(UUID().uuidString)" }
        let entry = "\(name)<<\(delimiter)\n\(value)\n\(delimiter)\n"
        guard let handle = FileHandle(forWritingAtPath: path) else { throw ActionFailure("cannot open \(variable) (\(path))") }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(entry.utf8))
    }
}
