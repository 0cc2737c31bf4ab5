/// `encoding/json.Marshal` of map-based values: keys sorted bytewise, no spaces, HTML-safe escaping
/// (`<` `>` `&` as `\u003c`...), U+2028/U+2029 escaped. kustomize hashes generated ConfigMaps and Secrets over it.
enum GoJSON {
    static func encode(_ value: ManifestValue) -> String {
        var out = ""
        write(value, to: &out)
        return out
    }

    static func write(_ value: ManifestValue, to out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .integer(let text): out += text
        case .float(let number): out += GoFloat.json(number)
        case .string(let text): writeString(text, to: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                write(item, to: &out)
            }
            out += "]"
        case .object(let fields):
            out += "{"
            for (index, key) in fields.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
                .enumerated()
            {
                if index > 0 { out += "," }
                writeString(key, to: &out)
                out += ":"
                if let item = fields[key] { write(item, to: &out) }
            }
            out += "}"
        }
    }

    static func writeString(_ text: String, to out: inout String) {
        out += "\""
        let hex = Array("0123456789abcdef")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "<", ">", "&", "\u{2028}", "\u{2029}":
                let v = scalar.value
                out += "\\u" + String([hex[Int(v >> 12) & 0xF], hex[Int(v >> 8) & 0xF], hex[Int(v >> 4) & 0xF], hex[Int(v) & 0xF]])
            default:
                if scalar.value < 0x20 {
                    let v = scalar.value
                    out += "\\u00" + String([hex[Int(v >> 4) & 0xF], hex[Int(v) & 0xF]])
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
