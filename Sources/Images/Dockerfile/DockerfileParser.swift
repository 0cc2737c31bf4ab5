import CDispatch
import Foundation
import Glibc
import OCI

/// Parses Dockerfiles like BuildKit's front end: parser directives (`# escape=`), comments, continuation lines
/// (the escape character at the end of a line, with comment and blank lines inside a continuation skipped),
/// JSON and shell forms, and leading `--flag=value` options.
public enum DockerfileParser {
    static let keywords: Set<String> = [
        "FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER",
        "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
    ]
    static let flagged: Set<String> = ["FROM", "RUN", "ADD", "COPY", "HEALTHCHECK"]
    static let jsonForms: Set<String> = ["RUN", "CMD", "ENTRYPOINT", "SHELL", "ADD", "COPY", "VOLUME"]

    public static func parse(_ text: String, path: String) throws(DockerfileError) -> Dockerfile {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false).map(
            String.init)
        var escape: Character = "\\"
        var index = 0
        // Parser directives: only at the very top, before any other line.
        var seenDirectives: Set<String> = []
        while index < lines.count {
            let trimmed = lines[index].trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("#") else { break }
            let body = trimmed.dropFirst().trimmingCharacters(in: .whitespaces)
            guard let equals = body.firstIndex(of: "=") else { break }
            let key = body[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = body[body.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard key == "escape" || key == "syntax" || key == "check", !key.contains(" ") else { break }
            if seenDirectives.contains(key) {
                throw DockerfileError(path: path, line: index + 1, message: "only one '\(key)' parser directive can be used")
            }
            seenDirectives.insert(key)
            if key == "escape" {
                guard value == "\\" || value == "`" else {
                    throw DockerfileError(path: path, line: index + 1, message: "invalid escape token '\(value)': must be ` or \\")
                }
                escape = Character(value)
            }
            index += 1
        }
        var instructions: [Instruction] = []
        while index < lines.count {
            let startLine = index + 1
            let trimmed = lines[index].trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") {
                index += 1
                continue
            }
            // Join continuation lines.
            var logical = ""
            var current = lines[index]
            index += 1
            while true {
                let stripped = current.trimmingTrailingWhitespace()
                if stripped.last == escape {
                    logical += String(stripped.dropLast())
                    // Skip comment and empty lines inside a continuation.
                    while index < lines.count {
                        let next = lines[index].trimmingCharacters(in: .whitespaces)
                        if next.hasPrefix("#") || next.isEmpty { index += 1 } else { break }
                    }
                    guard index < lines.count else { break }
                    current = lines[index]
                    index += 1
                } else {
                    logical += current
                    break
                }
            }
            // No real instruction comes near this; multi-megabyte ones cost seconds and hundreds of megabytes below.
            guard logical.utf8.count <= maximumInstructionLength else {
                throw DockerfileError(
                    path: path, line: startLine, column: 1,
                    message: "the instruction is \(logical.utf8.count) bytes long; Slipway's builder takes at most "
                        + "\(maximumInstructionLength) (put long content in a file and COPY it)")
            }
            var instruction = try parseInstruction(logical, line: startLine, path: path, escape: escape)
            if ["RUN", "COPY", "ADD"].contains(instruction.keyword), instruction.json == nil {
                for match in instruction.arguments.matches(of: heredocMarker) {
                    let stripsTabs = !match.1.isEmpty
                    let word = String(match.3)
                    var body = ""
                    var terminated = false
                    while index < lines.count {
                        var bodyLine = Substring(lines[index])
                        index += 1
                        if stripsTabs { bodyLine = bodyLine.drop { $0 == "\t" } }
                        if bodyLine == word {
                            terminated = true
                            break
                        }
                        body += bodyLine + "\n"
                    }
                    guard terminated else {
                        throw DockerfileError(
                            path: path, line: startLine,
                            message: "here-document \(match.0) of \(instruction.keyword) is not terminated: expected a line '\(word)'")
                    }
                    instruction.heredocs.append(
                        .init(marker: String(match.0), word: word, body: body, stripsTabs: stripsTabs, isQuoted: !match.2.isEmpty))
                }
            }
            instructions.append(instruction)
        }
        return try assemble(instructions, path: path)
    }

    /// The longest instruction (continuation lines joined) the parser accepts: 1 MiB.
    public static let maximumInstructionLength = 1 << 20

    /// `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'`: a here-document whose lines follow the instruction.
    static var heredocMarker: Regex<(Substring, Substring, Substring, Substring)> { /<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/ }

    /// The flags each instruction takes (as Docker's parser knows them); the ones Slipway's builder does not
    /// implement are refused by name rather than ignored, since ignoring them would build something else.
    static func unsupportedFlag(_ keyword: String, _ name: String) -> String? {
        let known: [String: Set<String>] = [
            "FROM": ["platform"], "RUN": ["mount", "network", "security"],
            "COPY": ["from", "chown", "chmod", "link", "parents", "exclude"],
            "ADD": ["chown", "chmod", "link", "checksum", "keep-git-dir", "exclude"],
            "HEALTHCHECK": ["interval", "timeout", "start-period", "start-interval", "retries"],
        ]
        guard let flags = known[keyword] else { return nil }
        guard flags.contains(name) else { return "\(keyword): unknown flag --\(name)" }
        switch (keyword, name) {
        case ("COPY", "parents"), ("COPY", "exclude"), ("ADD", "exclude"):
            return "\(keyword) --\(name) is not supported by Slipway's builder (it would copy other files than asked)"
        default:
            return nil
        }
    }

    static func parseInstruction(_ logical: String, line: Int, path: String, escape: Character) throws(DockerfileError) -> Instruction {
        let text = logical.trimmingCharacters(in: .whitespaces)
        let keywordEnd = text.firstIndex(where: { $0 == " " || $0 == "\t" }) ?? text.endIndex
        let keyword = text[..<keywordEnd].uppercased()
        let column =
            (logical.firstIndex(where: { $0 != " " && $0 != "\t" }).map { logical.distance(from: logical.startIndex, to: $0) } ?? 0) + 1
        guard keywords.contains(keyword) else {
            throw DockerfileError(path: path, line: line, column: column, message: "unknown instruction: \(text[..<keywordEnd])")
        }
        var rest = text[keywordEnd...].trimmingCharacters(in: .whitespaces)
        var flags: [Instruction.Flag] = []
        if flagged.contains(keyword) {
            while rest.hasPrefix("--") {
                let end = rest.firstIndex(where: { $0 == " " || $0 == "\t" }) ?? rest.endIndex
                let token = rest[rest.index(rest.startIndex, offsetBy: 2)..<end]
                if let equals = token.firstIndex(of: "=") {
                    flags.append(.init(name: String(token[..<equals]), value: String(token[token.index(after: equals)...])))
                } else {
                    flags.append(.init(name: String(token), value: nil))
                }
                rest = rest[end...].trimmingCharacters(in: .whitespaces)
            }
        }
        for flag in flags {
            if let refusal = unsupportedFlag(keyword, flag.name) {
                throw DockerfileError(path: path, line: line, column: column, message: refusal)
            }
        }
        if rest.isEmpty, keyword != "HEALTHCHECK" || flags.isEmpty {
            throw DockerfileError(path: path, line: line, column: column, message: "\(keyword) requires at least one argument")
        }
        var json: [String]?
        if jsonForms.contains(keyword) || keyword == "HEALTHCHECK", rest.hasPrefix("[") {
            if let data = rest.data(using: .utf8), let array = try? JSONSerialization.jsonObject(with: data) as? [Any],
                array.allSatisfy({ $0 is String })
            {
                json = array.compactMap { $0 as? String }
            }
        }
        return Instruction(keyword: keyword, flags: flags, arguments: rest, json: json, line: line, original: text)
    }

    static func assemble(_ instructions: [Instruction], path: String) throws(DockerfileError) -> Dockerfile {
        var globalArgs: [Instruction] = []
        var stages: [Dockerfile.Stage] = []
        for instruction in instructions {
            if instruction.keyword == "FROM" {
                let words = instruction.arguments.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                var name: String?
                if words.count == 3, words[1].lowercased() == "as" {
                    name = words[2]
                    guard name?.range(of: "^[A-Za-z][A-Za-z0-9_.-]*$", options: .regularExpression) != nil else {
                        throw DockerfileError(
                            path: path, line: instruction.line,
                            message: "invalid name for build stage: '\(words[2])', name can't start with a number or contain symbols")
                    }
                } else if words.count != 1 {
                    throw DockerfileError(
                        path: path, line: instruction.line, message: "FROM requires either one or three arguments: FROM <image> [AS <name>]"
                    )
                }
                if let name, stages.contains(where: { $0.name?.lowercased() == name.lowercased() }) {
                    throw DockerfileError(path: path, line: instruction.line, message: "duplicate stage name '\(name)'")
                }
                stages.append(
                    .init(
                        index: stages.count, base: words[0], name: name, platform: instruction.flag("platform"), line: instruction.line,
                        instructions: []))
            } else if stages.isEmpty {
                guard instruction.keyword == "ARG" else {
                    throw DockerfileError(
                        path: path, line: instruction.line,
                        message: "no build stage in current context: \(instruction.keyword) must come after a FROM")
                }
                globalArgs.append(instruction)
            } else {
                stages[stages.count - 1].instructions.append(instruction)
            }
        }
        guard !stages.isEmpty else {
            throw DockerfileError(path: path, line: max(1, instructions.last?.line ?? 1), message: "the Dockerfile has no FROM instruction")
        }
        return Dockerfile(path: path, globalArgs: globalArgs, stages: stages)
    }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var copy = self
        while let last = copy.last, last == " " || last == "\t" { copy.removeLast() }
        return copy
    }
}
