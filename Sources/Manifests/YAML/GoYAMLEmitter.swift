/// Writes values exactly as kustomize prints them: sigs.k8s.io/yaml `JSONToYAML`, i.e. the go-yaml v2 emitter with
/// its defaults (indent 2, width 80, unicode on, block style, sequences in mappings not indented, keys in go-yaml's
/// natural order). Style choices follow the emitter's scalar analysis byte for byte.
public struct GoYAMLEmitter {
    private var out: [UInt8] = []
    private var column = 0
    private var whitespace = true
    private var indention = true
    private var openEnded = false
    private let bestWidth = 80

    public init() {}

    /// One document: a mapping with its keys in go-yaml's natural order.
    public static func document(_ value: ManifestValue) throws(EmitError) -> String {
        var emitter = GoYAMLEmitter()
        try emitter.emitDocument(value)
        return String(decoding: emitter.out, as: UTF8.self)
    }

    /// A mapping whose top-level keys keep the given order (kustomize's edit commands marshal each field alone).
    public static func orderedMapping(_ pairs: [(String, ManifestValue)]) throws(EmitError) -> String {
        var emitter = GoYAMLEmitter()
        try emitter.emitMappingPairs(pairs, indent: 0)
        emitter.finishDocument()
        return String(decoding: emitter.out, as: UTF8.self)
    }

    public enum EmitError: Error, CustomStringConvertible, Sendable {
        case unsupportedFloat(Double)
        public var description: String {
            switch self {
            case .unsupportedFloat(let value):
                "json: unsupported value: \(value.isNaN ? "NaN" : (value < 0 ? "-Inf" : "+Inf"))"
            }
        }
    }

    mutating func emitDocument(_ value: ManifestValue) throws(EmitError) {
        switch value {
        case .object(let fields) where !fields.isEmpty:
            try emitMappingPairs(GoKeyOrder.sorted(fields), indent: 0)
        case .array(let items) where !items.isEmpty:
            try emitSequence(items, indent: 0)
        default:
            try emitValue(value, indent: -2)
        }
        finishDocument()
    }

    mutating func finishDocument() {
        writeIndent(0)
        if openEnded {
            writeIndicator("...", needWhitespace: true)
            writeIndent(0)
        }
        if out.last != UInt8(ascii: "\n") { putBreak() }
    }

    // MARK: - Structure

    mutating func emitMappingPairs(_ pairs: [(String, ManifestValue)], indent: Int) throws(EmitError) {
        for (key, value) in pairs {
            writeIndent(indent)
            emitScalar(key, kind: .string, indent: indent + 2, simpleKey: true)
            writeIndicator(":", needWhitespace: false)
            switch value {
            case .array(let items) where !items.isEmpty:
                // A sequence that is a mapping value is not indented (go-yaml's "indentless" sequence).
                try emitSequence(items, indent: indent)
            default:
                try emitValue(value, indent: indent)
            }
        }
    }

    mutating func emitSequence(_ items: [ManifestValue], indent: Int) throws(EmitError) {
        for item in items {
            writeIndent(indent)
            writeIndicator("-", needWhitespace: true, isIndention: true)
            switch item {
            case .array(let nested) where !nested.isEmpty:
                try emitSequence(nested, indent: indent + 2)
            default:
                try emitValue(item, indent: indent)
            }
        }
    }

    /// A node inside a collection whose own indentation is `indent`.
    mutating func emitValue(_ value: ManifestValue, indent: Int) throws(EmitError) {
        switch value {
        case .object(let fields):
            if fields.isEmpty {
                writeIndicator("{", needWhitespace: true)
                writeIndicator("}", needWhitespace: false)
            } else {
                try emitMappingPairs(GoKeyOrder.sorted(fields), indent: indent + 2)
            }
        case .array(let items):
            if items.isEmpty {
                writeIndicator("[", needWhitespace: true)
                writeIndicator("]", needWhitespace: false)
            } else {
                try emitSequence(items, indent: indent + 2)
            }
        case .null:
            emitScalar("null", kind: .other, indent: indent + 2, simpleKey: false)
        case .bool(let flag):
            emitScalar(flag ? "true" : "false", kind: .other, indent: indent + 2, simpleKey: false)
        case .integer(let text):
            emitScalar(text, kind: .other, indent: indent + 2, simpleKey: false)
        case .float(let number):
            guard number.isFinite else { throw .unsupportedFloat(number) }
            emitScalar(GoFloat.yamlText(number), kind: .other, indent: indent + 2, simpleKey: false)
        case .string(let text):
            emitScalar(text, kind: .string, indent: indent + 2, simpleKey: false)
        }
    }

    // MARK: - Scalars

    enum ScalarKind { case string, other }
    enum Style { case plain, singleQuoted, doubleQuoted, literal }

    mutating func emitScalar(_ text: String, kind: ScalarKind, indent: Int, simpleKey: Bool) {
        let value = Array(text.utf8)
        var style: Style = .plain
        if kind == .string {
            // go-yaml's stringv: multi-line → literal; strings YAML 1.1 would read as another type → double-quoted.
            let resolvesToString =
                ScalarResolver.resolve(text, dialect: .yaml11) == .string && !ScalarResolver.isBase60Float(text)
            if value.contains(UInt8(ascii: "\n")) {
                style = .literal
            } else if !resolvesToString {
                style = .doubleQuoted
            }
        }
        let analysis = ScalarAnalysis(value)
        if simpleKey && analysis.multiline { style = .doubleQuoted }
        if style == .plain {
            if !analysis.blockPlainAllowed { style = .singleQuoted }
            if value.isEmpty && simpleKey { style = .singleQuoted }
        }
        if style == .singleQuoted && !analysis.singleQuotedAllowed { style = .doubleQuoted }
        if style == .literal && (!analysis.blockAllowed || simpleKey) { style = .doubleQuoted }

        switch style {
        case .plain: writePlain(value, indent: indent, allowBreaks: !simpleKey)
        case .singleQuoted: writeSingleQuoted(value, indent: indent, allowBreaks: !simpleKey)
        case .doubleQuoted: writeDoubleQuoted(value, indent: indent, allowBreaks: !simpleKey)
        case .literal: writeLiteral(value, indent: indent)
        }
    }

    mutating func writePlain(_ value: [UInt8], indent: Int, allowBreaks: Bool) {
        if !whitespace { put(UInt8(ascii: " ")) }
        var spaces = false
        var breaks = false
        var i = 0
        while i < value.count {
            if value[i] == UInt8(ascii: " ") {
                if allowBreaks && !spaces && column > bestWidth && !isSpace(value, i + 1) {
                    writeIndent(indent)
                    i += 1
                } else {
                    write(value, &i)
                }
                spaces = true
            } else if isBreak(value, i) {
                if !breaks && value[i] == UInt8(ascii: "\n") { putBreak() }
                writeBreak(value, &i)
                indention = true
                breaks = true
            } else {
                if breaks { writeIndent(indent) }
                write(value, &i)
                indention = false
                spaces = false
                breaks = false
            }
        }
        whitespace = false
        indention = false
    }

    mutating func writeSingleQuoted(_ value: [UInt8], indent: Int, allowBreaks: Bool) {
        writeIndicator("'", needWhitespace: true)
        var spaces = false
        var breaks = false
        var i = 0
        while i < value.count {
            if value[i] == UInt8(ascii: " ") {
                if allowBreaks && !spaces && column > bestWidth && i > 0 && i < value.count - 1
                    && !isSpace(value, i + 1)
                {
                    writeIndent(indent)
                    i += 1
                } else {
                    write(value, &i)
                }
                spaces = true
            } else if isBreak(value, i) {
                if !breaks && value[i] == UInt8(ascii: "\n") { putBreak() }
                writeBreak(value, &i)
                indention = true
                breaks = true
            } else {
                if breaks { writeIndent(indent) }
                if value[i] == UInt8(ascii: "'") { put(UInt8(ascii: "'")) }
                write(value, &i)
                indention = false
                spaces = false
                breaks = false
            }
        }
        writeIndicator("'", needWhitespace: false)
        whitespace = false
        indention = false
    }

    mutating func writeDoubleQuoted(_ value: [UInt8], indent: Int, allowBreaks: Bool) {
        writeIndicator("\"", needWhitespace: true)
        var spaces = false
        var i = 0
        while i < value.count {
            if !isPrintable(value, i) || isBOM(value, i) || isBreak(value, i) || value[i] == UInt8(ascii: "\"")
                || value[i] == UInt8(ascii: "\\")
            {
                let (scalar, width) = decode(value, i)
                i += width
                put(UInt8(ascii: "\\"))
                switch scalar {
                case 0x00: put(UInt8(ascii: "0"))
                case 0x07: put(UInt8(ascii: "a"))
                case 0x08: put(UInt8(ascii: "b"))
                case 0x09: put(UInt8(ascii: "t"))
                case 0x0A: put(UInt8(ascii: "n"))
                case 0x0B: put(UInt8(ascii: "v"))
                case 0x0C: put(UInt8(ascii: "f"))
                case 0x0D: put(UInt8(ascii: "r"))
                case 0x1B: put(UInt8(ascii: "e"))
                case 0x22: put(UInt8(ascii: "\""))
                case 0x5C: put(UInt8(ascii: "\\"))
                case 0x85: put(UInt8(ascii: "N"))
                case 0xA0: put(UInt8(ascii: "_"))
                case 0x2028: put(UInt8(ascii: "L"))
                case 0x2029: put(UInt8(ascii: "P"))
                default:
                    let (letter, digits): (UInt8, Int) =
                        scalar <= 0xFF ? (UInt8(ascii: "x"), 2) : scalar <= 0xFFFF ? (UInt8(ascii: "u"), 4) : (UInt8(ascii: "U"), 8)
                    put(letter)
                    for shift in stride(from: (digits - 1) * 4, through: 0, by: -4) {
                        let digit = UInt8((scalar >> UInt32(shift)) & 0x0F)
                        put(digit < 10 ? digit + UInt8(ascii: "0") : digit - 10 + UInt8(ascii: "A"))
                    }
                }
                spaces = false
            } else if value[i] == UInt8(ascii: " ") {
                if allowBreaks && !spaces && column > bestWidth && i != 0 && i != value.count - 1 {
                    writeIndent(indent)
                    if isSpace(value, i + 1) { put(UInt8(ascii: "\\")) }
                    i += 1
                } else {
                    write(value, &i)
                }
                spaces = true
            } else {
                write(value, &i)
                spaces = false
            }
        }
        writeIndicator("\"", needWhitespace: false)
        whitespace = false
        indention = false
    }

    mutating func writeLiteral(_ value: [UInt8], indent: Int) {
        writeIndicator("|", needWhitespace: true)
        if isSpace(value, 0) || isBreak(value, 0) { writeIndicator("2", needWhitespace: false) }
        openEnded = false
        var chomp: String?
        if value.isEmpty {
            chomp = "-"
        } else {
            var i = value.count - 1
            while value[i] & 0xC0 == 0x80 { i -= 1 }
            if !isBreak(value, i) {
                chomp = "-"
            } else if i == 0 {
                chomp = "+"
            } else {
                i -= 1
                while value[i] & 0xC0 == 0x80 { i -= 1 }
                if isBreak(value, i) { chomp = "+" }
            }
        }
        if let chomp { writeIndicator(chomp, needWhitespace: false) }
        if chomp == "+" { openEnded = true }
        putBreak()
        indention = true
        whitespace = true
        var breaks = true
        var i = 0
        while i < value.count {
            if isBreak(value, i) {
                writeBreak(value, &i)
                indention = true
                breaks = true
            } else {
                if breaks {
                    writeIndent(indent)
                    breaks = false
                }
                write(value, &i)
                indention = false
            }
        }
    }

    // MARK: - Low level

    mutating func writeIndent(_ indent: Int) {
        let indent = max(indent, 0)
        if !indention || column > indent || (column == indent && !whitespace) { putBreak() }
        while column < indent { put(UInt8(ascii: " ")) }
        whitespace = true
        indention = true
    }

    mutating func writeIndicator(
        _ indicator: String, needWhitespace: Bool, isWhitespace: Bool = false, isIndention: Bool = false
    ) {
        if needWhitespace && !whitespace { put(UInt8(ascii: " ")) }
        for byte in indicator.utf8 { put(byte) }
        whitespace = isWhitespace
        indention = indention && isIndention
        openEnded = false
    }

    mutating func put(_ byte: UInt8) {
        out.append(byte)
        column += 1
    }

    mutating func putBreak() {
        out.append(UInt8(ascii: "\n"))
        column = 0
    }

    /// Copies one UTF-8 character, counting it as one column.
    mutating func write(_ value: [UInt8], _ i: inout Int) {
        let width = Self.width(value[i])
        for k in 0..<width where i + k < value.count { out.append(value[i + k]) }
        column += 1
        i += width
    }

    mutating func writeBreak(_ value: [UInt8], _ i: inout Int) {
        if value[i] == UInt8(ascii: "\n") {
            putBreak()
            i += 1
        } else {
            write(value, &i)
            column = 0
        }
    }

    static func width(_ byte: UInt8) -> Int {
        if byte & 0x80 == 0 { return 1 }
        if byte & 0xE0 == 0xC0 { return 2 }
        if byte & 0xF0 == 0xE0 { return 3 }
        if byte & 0xF8 == 0xF0 { return 4 }
        return 1
    }

    func decode(_ value: [UInt8], _ i: Int) -> (UInt32, Int) {
        let first = value[i]
        let width = Self.width(first)
        var scalar: UInt32
        switch width {
        case 2: scalar = UInt32(first & 0x1F)
        case 3: scalar = UInt32(first & 0x0F)
        case 4: scalar = UInt32(first & 0x07)
        default: scalar = UInt32(first & 0x7F)
        }
        for k in 1..<max(width, 1) where i + k < value.count {
            scalar = (scalar << 6) + UInt32(value[i + k] & 0x3F)
        }
        return (scalar, width)
    }
}

// MARK: - Character classes of the emitter (UTF-8 byte level, as libyaml)

func byte(_ value: [UInt8], _ i: Int) -> UInt8 { i < value.count ? value[i] : 0 }

func isSpace(_ value: [UInt8], _ i: Int) -> Bool { byte(value, i) == UInt8(ascii: " ") }

func isBreak(_ value: [UInt8], _ i: Int) -> Bool {
    let b = byte(value, i)
    return b == 0x0D || b == 0x0A || (b == 0xC2 && byte(value, i + 1) == 0x85)
        || (b == 0xE2 && byte(value, i + 1) == 0x80 && (byte(value, i + 2) == 0xA8 || byte(value, i + 2) == 0xA9))
}

func isBlankOrEnd(_ value: [UInt8], _ i: Int) -> Bool {
    let b = byte(value, i)
    return b == 0x20 || b == 0x09 || b == 0 || isBreak(value, i)
}

func isBOM(_ value: [UInt8], _ i: Int) -> Bool {
    byte(value, i) == 0xEF && byte(value, i + 1) == 0xBB && byte(value, i + 2) == 0xBF
}

func isPrintable(_ value: [UInt8], _ i: Int) -> Bool {
    let b = byte(value, i)
    let b1 = byte(value, i + 1)
    let b2 = byte(value, i + 2)
    return b == 0x0A || (b >= 0x20 && b <= 0x7E) || (b == 0xC2 && b1 >= 0xA0) || (b > 0xC2 && b < 0xED)
        || (b == 0xED && b1 < 0xA0) || b == 0xEE
        || (b == 0xEF && !(b1 == 0xBB && b2 == 0xBF) && !(b1 == 0xBF && (b2 == 0xBE || b2 == 0xBF)))
}

/// libyaml's `yaml_emitter_analyze_scalar`, reduced to the block context kustomize output uses.
struct ScalarAnalysis {
    var multiline = false
    var blockPlainAllowed = true
    var singleQuotedAllowed = true
    var blockAllowed = true

    init(_ value: [UInt8]) {
        guard !value.isEmpty else {
            blockPlainAllowed = true
            singleQuotedAllowed = true
            blockAllowed = false
            return
        }
        var blockIndicators = false
        var lineBreaks = false
        var specialCharacters = false
        var leadingSpace = false
        var leadingBreak = false
        var trailingSpace = false
        var trailingBreak = false
        var breakSpace = false
        var spaceBreak = false
        var precededByWhitespace = true
        var previousSpace = false
        var previousBreak = false

        if value.count >= 3,
            (value[0] == UInt8(ascii: "-") && value[1] == UInt8(ascii: "-") && value[2] == UInt8(ascii: "-"))
                || (value[0] == UInt8(ascii: ".") && value[1] == UInt8(ascii: ".") && value[2] == UInt8(ascii: "."))
        {
            blockIndicators = true
        }
        var i = 0
        while i < value.count {
            let w = GoYAMLEmitter.width(value[i])
            let followedByWhitespace = i + w >= value.count || isBlankOrEnd(value, i + w)
            let c = value[i]
            if i == 0 {
                switch c {
                case UInt8(ascii: "#"), UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"),
                    UInt8(ascii: "}"), UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"),
                    UInt8(ascii: ">"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "%"), UInt8(ascii: "@"),
                    UInt8(ascii: "`"):
                    blockIndicators = true
                case UInt8(ascii: "?"), UInt8(ascii: ":"):
                    if followedByWhitespace { blockIndicators = true }
                case UInt8(ascii: "-"):
                    if followedByWhitespace { blockIndicators = true }
                default: break
                }
            } else {
                switch c {
                case UInt8(ascii: ":"):
                    if followedByWhitespace { blockIndicators = true }
                case UInt8(ascii: "#"):
                    if precededByWhitespace { blockIndicators = true }
                default: break
                }
            }
            if !isPrintable(value, i) { specialCharacters = true }
            if c == UInt8(ascii: " ") {
                if i == 0 { leadingSpace = true }
                if i + w == value.count { trailingSpace = true }
                if previousBreak { breakSpace = true }
                previousSpace = true
                previousBreak = false
            } else if isBreak(value, i) {
                lineBreaks = true
                if i == 0 { leadingBreak = true }
                if i + w == value.count { trailingBreak = true }
                if previousSpace { spaceBreak = true }
                previousSpace = false
                previousBreak = true
            } else {
                previousSpace = false
                previousBreak = false
            }
            precededByWhitespace = isBlankOrEnd(value, i)
            i += w
        }
        multiline = lineBreaks
        if leadingSpace || leadingBreak || trailingSpace || trailingBreak { blockPlainAllowed = false }
        if trailingSpace { blockAllowed = false }
        if breakSpace {
            blockPlainAllowed = false
            singleQuotedAllowed = false
        }
        if spaceBreak || specialCharacters {
            blockPlainAllowed = false
            singleQuotedAllowed = false
            blockAllowed = false
        }
        if lineBreaks { blockPlainAllowed = false }
        if blockIndicators { blockPlainAllowed = false }
    }
}
