import CDispatch
import Glibc
import OCI

/// Dockerfile variable substitution (`$V`, `${V}`, `${V:-default}`, `${V:+alternative}`, `${V-d}`, `${V+a}`) and
/// word splitting with quotes, as BuildKit's shell lexer does for ENV, LABEL, COPY, WORKDIR and the others.
public enum Substitution {
    /// Splits `text` into words, expanding variables from `environment`; quotes group and are removed.
    public static func words(_ text: String, environment: [String: String], escape: Character = "\\") -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var chars = Array(text)
        var i = 0
        func expandAt(_ i: inout Int) -> String {
            let (value, next) = variable(chars, i, environment)
            i = next
            return value
        }
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" || c == "\n" {
                if inWord {
                    words.append(current)
                    current = ""
                    inWord = false
                }
                i += 1
                continue
            }
            inWord = true
            if c == escape, i + 1 < chars.count {
                current.append(chars[i + 1])
                i += 2
            } else if c == "'" {
                i += 1
                while i < chars.count, chars[i] != "'" {
                    current.append(chars[i])
                    i += 1
                }
                i += 1
            } else if c == "\"" {
                i += 1
                while i < chars.count, chars[i] != "\"" {
                    if chars[i] == escape, i + 1 < chars.count, ["\"", "$", String(escape)].contains(String(chars[i + 1])) {
                        current.append(chars[i + 1])
                        i += 2
                    } else if chars[i] == "$" {
                        current += expandAt(&i)
                    } else {
                        current.append(chars[i])
                        i += 1
                    }
                }
                i += 1
            } else if c == "$" {
                current += expandAt(&i)
            } else {
                current.append(c)
                i += 1
            }
        }
        if inWord { words.append(current) }
        chars = []
        return words
    }

    /// Expands variables in `text` without splitting or removing quotes (for single-value instructions).
    public static func expand(_ text: String, environment: [String: String], escape: Character = "\\") -> String {
        let chars = Array(text)
        var out = ""
        var i = 0
        while i < chars.count {
            if chars[i] == escape, i + 1 < chars.count, chars[i + 1] == "$" {
                out.append("$")
                i += 2
            } else if chars[i] == "$" {
                let (value, next) = variable(chars, i, environment)
                out += value
                i = next
            } else {
                out.append(chars[i])
                i += 1
            }
        }
        return out
    }

    /// Reads a variable reference at `start` (a `$`); returns its value and the index after it.
    static func variable(_ chars: [Character], _ start: Int, _ environment: [String: String]) -> (String, Int) {
        var i = start + 1
        guard i < chars.count else { return ("$", i) }
        if chars[i] == "{" {
            i += 1
            var name = ""
            while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" {
                name.append(chars[i])
                i += 1
            }
            var modifier = ""
            if i < chars.count, chars[i] == ":" {
                modifier = ":"
                i += 1
            }
            var word = ""
            var op: Character?
            if i < chars.count, chars[i] == "-" || chars[i] == "+" {
                op = chars[i]
                i += 1
                var depth = 0
                while i < chars.count, !(chars[i] == "}" && depth == 0) {
                    if chars[i] == "{" { depth += 1 }
                    if chars[i] == "}" { depth -= 1 }
                    word.append(chars[i])
                    i += 1
                }
            }
            if i < chars.count, chars[i] == "}" { i += 1 }
            let value = environment[name]
            let set = modifier == ":" ? (value.map { !$0.isEmpty } ?? false) : value != nil
            switch op {
            case "-": return (set ? value ?? "" : expand(word, environment: environment), i)
            case "+": return (set ? expand(word, environment: environment) : "", i)
            default: return (value ?? "", i)
            }
        }
        var name = ""
        while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" {
            name.append(chars[i])
            i += 1
        }
        if name.isEmpty { return ("$", i) }
        return (environment[name] ?? "", i)
    }
}
