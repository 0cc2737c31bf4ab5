/// Parses the files behind `$GITHUB_OUTPUT`, `$GITHUB_ENV` and `$GITHUB_STATE`:
/// `name=value` lines and heredocs `name<<DELIM` … `DELIM`.
public enum FileCommands {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let message: String
        public var description: String { message }
    }

    public static func parseKeyValues(_ text: String, file: String) throws(Failure) -> [(key: String, value: String)] {
        var result: [(key: String, value: String)] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            line.hasSuffix("\r") ? line.dropLast() : line
        }
        var index = 0
        while index < lines.count {
            let line = lines[index]
            index += 1
            if line.isEmpty { continue }
            let heredoc = line.firstRange(of: "<<")
            let equals = line.firstIndex(of: "=")
            if let heredoc, equals == nil || heredoc.lowerBound < equals! {
                let name = String(line[..<heredoc.lowerBound])
                let delimiter = String(line[heredoc.upperBound...])
                guard !name.isEmpty, !delimiter.isEmpty else {
                    throw Failure(message: "\(file): invalid heredoc line '\(line)'")
                }
                var valueLines: [Substring] = []
                var closed = false
                while index < lines.count {
                    let next = lines[index]
                    index += 1
                    if next == delimiter {
                        closed = true
                        break
                    }
                    valueLines.append(next)
                }
                guard closed else {
                    throw Failure(message: "\(file): matching delimiter not found '\(delimiter)'")
                }
                result.append((name, valueLines.joined(separator: "\n")))
            } else if let equals {
                let name = String(line[..<equals])
                guard !name.isEmpty else { throw Failure(message: "\(file): invalid line '\(line)'") }
                result.append((name, String(line[line.index(after: equals)...])))
            } else {
                throw Failure(message: "\(file): invalid format '\(line)'")
            }
        }
        return result
    }
}
