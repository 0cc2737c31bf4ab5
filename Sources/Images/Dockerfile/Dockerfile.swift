import OCI

/// A parsed Dockerfile: global `ARG`s before the first `FROM`, then stages.
public struct Dockerfile: Hashable, Sendable {
    public var path: String
    public var globalArgs: [Instruction]
    public var stages: [Stage]

    /// One `FROM` and the instructions up to the next one.
    public struct Stage: Hashable, Sendable {
        public var index: Int
        public var base: String
        public var name: String?
        public var platform: String?
        public var line: Int
        public var instructions: [Instruction]
    }

    /// The stage named `name` (case-insensitive) or with that index.
    public func stage(named name: String) -> Stage? {
        if let match = stages.first(where: { $0.name?.lowercased() == name.lowercased() }) { return match }
        if let index = Int(name), stages.indices.contains(index) { return stages[index] }
        return nil
    }
}

/// One instruction with its flags and arguments, as written.
public struct Instruction: Hashable, Sendable {
    /// Upper-cased keyword (`RUN`, `COPY`, ...).
    public var keyword: String
    /// `--name=value` flags before the arguments, in order.
    public var flags: [Flag]
    /// The arguments after the flags, continuation lines joined.
    public var arguments: String
    /// The JSON (exec) form, when the arguments are a JSON array of strings.
    public var json: [String]?
    /// The 1-based line of the keyword.
    public var line: Int
    /// The instruction as written (continuations joined), for history and messages.
    public var original: String

    public struct Flag: Hashable, Sendable {
        public var name: String
        public var value: String?
    }

    public func flag(_ name: String) -> String? { flags.last { $0.name == name }?.value }
    public func hasFlag(_ name: String) -> Bool { flags.contains { $0.name == name } }
}
