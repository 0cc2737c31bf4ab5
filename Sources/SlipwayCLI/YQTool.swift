import Core
import Foundation
import Manifests

/// Slipway as `yq` (by argv[0], as it acts as `kustomize`): the subset of mikefarah yq v4 pipelines use to edit
/// manifests — `yq e|eval|ea|eval-all [-i] [-n] [-e] EXPRESSION [FILE|-]…` with paths, assignments and `|`
/// (`YQExpression`). Documents are edited as text at the nodes' positions; every document of every file is evaluated.
enum YQTool {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func main(_ arguments: [String]) -> Int32 {
        do {
            return try run(arguments, environment: ProcessInfo.processInfo.environment)
        } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            return 1
        }
    }

    static func run(_ arguments: [String], environment: [String: String]) throws -> Int32 {
        var rest = arguments
        if let first = rest.first, ["e", "eval", "ea", "eval-all"].contains(first) { rest.removeFirst() }
        var inPlace = false
        var nullInput = false
        var exitStatus = false
        var operands: [String] = []
        for argument in rest {
            switch argument {
            case "-i", "--inplace": inPlace = true
            case "-n", "--null-input": nullInput = true
            case "-e", "--exit-status": exitStatus = true
            case "--version", "-V":
                print("yq (Slipway's subset of mikefarah/yq v4)")
                return 0
            case "-P", "--prettyPrint", "-M", "--no-colors", "-C", "--colors":
                FileHandle.standardError.write(Data("warning: yq (Slipway's subset): \(argument) is accepted but not acted on\n".utf8))
            case "-":
                operands.append(argument)
            default:
                if argument.hasPrefix("-") {
                    throw Failure(description: "yq (Slipway's subset): the flag \(argument) is not supported (-i, -n, -e are)")
                }
                operands.append(argument)
            }
        }
        guard let expressionText = operands.first else { throw Failure(description: "yq: an expression is required") }
        let expression: YQExpression
        do { expression = try YQExpression.parse(expressionText) } catch { throw Failure(description: error.description) }
        var files = Array(operands.dropFirst())
        if files.isEmpty, !nullInput { files = ["-"] }
        if inPlace, files.contains("-") || files.isEmpty { throw Failure(description: "yq: -i needs a file, not standard input") }
        var outputs: [String] = []
        var falsy = false
        let sources: [(String, String)] =
            nullInput && files.isEmpty
            ? [("-", "")]
            : try files.map { name in
                if name == "-" { return (name, String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)) }
                guard let text = try? String(contentsOfFile: name, encoding: .utf8) else {
                    throw Failure(description: "yq: open \(name): no such file or directory")
                }
                return (name, text)
            }
        for (name, text) in sources {
            var documents: [String] = []
            let parts = Self.documents(text)
            for part in parts.isEmpty ? [""] : parts {
                var document = YQDocument(part)
                let output: YQDocument.Output
                do { output = try document.evaluate(expression, environment: environment) } catch {
                    throw Failure(description: "\(name): \(error.description)")
                }
                switch output {
                case .document(let text): documents.append(text)
                case .value(let value):
                    if value == "null" || value == "false" { falsy = true }
                    documents.append(value)
                }
            }
            let joined = Self.join(documents)
            if inPlace {
                do { try AtomicFile.write(Data(joined.utf8), to: URL(fileURLWithPath: name).standardizedFileURL.path) } catch {
                    throw Failure(description: "yq: \(name): \(error)")
                }
            } else {
                outputs.append(joined)
            }
        }
        if !inPlace { print(outputs.joined(separator: "\n---\n"), terminator: outputs.last?.hasSuffix("\n") == true ? "" : "\n") }
        return exitStatus && falsy ? 1 : 0
    }

    /// The documents of a YAML stream, split at `---` lines (a leading separator opens the first).
    static func documents(_ text: String) -> [String] {
        var documents: [[Substring]] = [[]]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "---" || line.hasPrefix("--- ") {
                if !(documents.count == 1 && documents[0].allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                    documents.append([])
                } else {
                    documents = [[]]
                }
                continue
            }
            documents[documents.count - 1].append(line)
        }
        return documents.map { $0.joined(separator: "\n") }.filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
    }

    static func join(_ documents: [String]) -> String {
        documents.map { $0.hasSuffix("\n") ? String($0.dropLast()) : $0 }.joined(separator: "\n---\n") + "\n"
    }
}
