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

    /// Here-documents (`<<EOF` … `EOF`) of a RUN, COPY or ADD, in the order their markers appear.
    public var heredocs: [Heredoc] = []

    public struct Flag: Hashable, Sendable {
        public var name: String
        public var value: String?
    }

    /// One here-document: its delimiter word, its lines, and how it was introduced.
    public struct Heredoc: Hashable, Sendable {
        /// The marker as written in the instruction (`<<EOF`, `<<-"EOF"`).
        public var marker: String
        public var word: String
        /// The lines between the marker's line and the delimiter, each ending in a newline (leading tabs removed for `<<-`).
        public var body: String
        /// `<<-`: leading tabs were removed.
        public var stripsTabs: Bool
        /// A quoted delimiter: the body is taken literally, with no variable expansion.
        public var isQuoted: Bool
    }

    public func flag(_ name: String) -> String? { flags.last { $0.name == name }?.value }
    public func hasFlag(_ name: String) -> Bool { flags.contains { $0.name == name } }
}
