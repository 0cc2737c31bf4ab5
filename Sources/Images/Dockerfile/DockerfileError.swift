import OCI

/// A Dockerfile problem at a position, printed as `path:line:column: message`.
public struct DockerfileError: Error, CustomStringConvertible, Equatable, Sendable {
    public var path: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(path: String, line: Int, column: Int = 1, message: String) {
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "\(path):\(line):\(column): \(message)" }
}
