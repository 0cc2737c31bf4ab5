import Foundation
import OCI

/// The part of Handlebars that docker/metadata-action's attributes use: `{{name}}` (HTML-escaped, as Handlebars
/// does), `{{{name}}}` (raw) and helpers with quoted arguments and hash options, such as
/// `{{date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}`. An unknown name renders as nothing, as in Handlebars.
struct MetadataTemplate {
    enum Value {
        case text(String)
        case helper(@Sendable (_ arguments: [String], _ options: [String: String]) throws(MetadataError) -> String)
    }

    static func render(_ template: String, values: [String: Value]) throws(MetadataError) -> String {
        var output = ""
        var rest = Substring(template)
        while let open = rest.range(of: "{{") {
            output += rest[..<open.lowerBound]
            var body = rest[open.upperBound...]
            let raw = body.first == "{"
            if raw { body = body.dropFirst() }
            let closing = raw ? "}}}" : "}}"
            guard let close = body.range(of: closing) else {
                throw .template(template, "an unclosed '{{'")
            }
            let expression = body[..<close.lowerBound]
            rest = body[close.upperBound...]
            let rendered = try evaluate(expression, values: values, template: template)
            output += raw ? rendered : escape(rendered)
        }
        output += rest
        return output
    }

    private static func evaluate(_ expression: Substring, values: [String: Value], template: String) throws(MetadataError) -> String {
        let tokens = try tokenize(expression, template: template)
        guard let name = tokens.first, case .word(let identifier) = name else { return "" }
        var arguments: [String] = []
        var options: [String: String] = [:]
        for token in tokens.dropFirst() {
            switch token {
            case .word(let word): arguments.append(word)
            case .quoted(let text): arguments.append(text)
            case .option(let key, let value): options[key] = value
            }
        }
        switch values[identifier] {
        case .text(let text)?: return text
        case .helper(let helper)?: return try helper(arguments, options)
        case nil: return ""
        }
    }

    private enum Token {
        case word(String)
        case quoted(String)
        case option(String, String)
    }

    private static func tokenize(_ expression: Substring, template: String) throws(MetadataError) -> [Token] {
        var tokens: [Token] = []
        var index = expression.startIndex
        func quoted(from start: String.Index) throws(MetadataError) -> (String, String.Index) {
            let quote = expression[start]
            var cursor = expression.index(after: start)
            var text = ""
            while cursor < expression.endIndex, expression[cursor] != quote {
                text.append(expression[cursor])
                cursor = expression.index(after: cursor)
            }
            guard cursor < expression.endIndex else { throw .template(template, "an unclosed quote") }
            return (text, expression.index(after: cursor))
        }
        while index < expression.endIndex {
            let character = expression[index]
            if character.isWhitespace {
                index = expression.index(after: index)
                continue
            }
            if character == "'" || character == "\"" {
                let (text, next) = try quoted(from: index)
                tokens.append(.quoted(text))
                index = next
                continue
            }
            var word = ""
            while index < expression.endIndex, !expression[index].isWhitespace, expression[index] != "=" {
                word.append(expression[index])
                index = expression.index(after: index)
            }
            if index < expression.endIndex, expression[index] == "=" {
                index = expression.index(after: index)
                guard index < expression.endIndex else { throw .template(template, "'\(word)=' without a value") }
                if expression[index] == "'" || expression[index] == "\"" {
                    let (text, next) = try quoted(from: index)
                    tokens.append(.option(word, text))
                    index = next
                } else {
                    var value = ""
                    while index < expression.endIndex, !expression[index].isWhitespace {
                        value.append(expression[index])
                        index = expression.index(after: index)
                    }
                    tokens.append(.option(word, value))
                }
            } else {
                tokens.append(.word(word))
            }
        }
        return tokens
    }

    /// Handlebars' escaping of `{{…}}` output.
    static func escape(_ text: String) -> String {
        guard text.contains(where: { "&<>\"'`=".contains($0) }) else { return text }
        var output = ""
        for character in text {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#x27;"
            case "`": output += "&#x60;"
            case "=": output += "&#x3D;"
            default: output.append(character)
            }
        }
        return output
    }
}
