/// A `::name key=value,...::message` line printed by a step.
public struct WorkflowCommand: Sendable, Equatable {
    public var name: String
    public var properties: [String: String]
    public var message: String

    /// Parses a line, or returns nil when it is not a workflow command.
    public static func parse(_ line: String) -> WorkflowCommand? {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        guard trimmed.hasPrefix("::") else { return nil }
        let rest = trimmed.dropFirst(2)
        guard let end = rest.firstRange(of: "::") else { return nil }
        let header = rest[..<end.lowerBound]
        let message = unescapeData(String(rest[end.upperBound...]))
        let name: Substring
        var properties: [String: String] = [:]
        if let space = header.firstIndex(of: " ") {
            name = header[..<space]
            for pair in header[header.index(after: space)...].split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2 {
                    properties[String(parts[0]).trimmed()] = unescapeProperty(String(parts[1]))
                }
            }
        } else {
            name = header
        }
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0 == "-" || $0 == "_" }) else { return nil }
        return WorkflowCommand(name: String(name), properties: properties, message: message)
    }

    static func unescapeData(_ s: String) -> String {
        s.replacing("%0D", with: "\r").replacing("%0A", with: "\n").replacing("%25", with: "%")
    }

    static func unescapeProperty(_ s: String) -> String {
        s.replacing("%0D", with: "\r").replacing("%0A", with: "\n").replacing("%3A", with: ":")
            .replacing("%2C", with: ",").replacing("%25", with: "%")
    }
}

extension String {
    func trimmed() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
