/// A problem in user input, printed as `path:line:col: message`.
public struct Diagnostic: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable {
        case error, warning
    }

    public var location: SourceLocation?
    public var message: String
    public var severity: Severity

    public init(_ message: String, at location: SourceLocation?, severity: Severity = .error) {
        self.message = message
        self.location = location
        self.severity = severity
    }

    public var description: String {
        guard let location else { return message }
        return "\(location): \(message)"
    }
}

/// Every problem found in one pass, so users fix them all at once.
public struct Diagnostics: Error, Sendable, CustomStringConvertible {
    public var items: [Diagnostic]

    public init(_ items: [Diagnostic]) { self.items = items }

    public var description: String { items.map(\.description).joined(separator: "\n") }
}
