import Foundation

/// A user's file as text, refusing what is not text with the line and column of the first offending byte — invalid
/// UTF-8 always, and for YAML the control characters YAML does not allow in a stream — instead of an error at 1:1
/// or none at all.
public enum SourceText {
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        public var location: SourceLocation
        public var message: String

        public var description: String { "\(location): \(message)" }
    }

    /// `data` decoded as UTF-8. With `yaml`, characters outside YAML's printable set are refused too: C0 controls
    /// other than tab, line feed and carriage return, DEL, C1 controls other than NEL, and U+FFFE/U+FFFF.
    public static func decode(_ data: Data, file: String, yaml: Bool = false) throws(Problem) -> String {
        guard let text = String(validating: data, as: UTF8.self) else {
            let offset = firstInvalidUTF8(data)
            let byte = offset < data.count ? data[data.startIndex + offset] : 0
            throw Problem(
                location: location(of: offset, in: data, file: file),
                message: "invalid UTF-8 (byte 0x\(String(byte, radix: 16, uppercase: true))); expected UTF-8 text")
        }
        guard yaml else { return text }
        var offset = 0
        for scalar in text.unicodeScalars {
            let value = scalar.value
            let allowed =
                value == 0x09 || value == 0x0A || value == 0x0D || (0x20...0x7E).contains(value) || value == 0x85
                || (0xA0...0xD7FF).contains(value) || (0xE000...0xFFFD).contains(value) || value >= 0x10000
            if !allowed {
                let code = String(value, radix: 16, uppercase: true)
                throw Problem(
                    location: location(of: offset, in: data, file: file),
                    message: "control character U+\(String(repeating: "0", count: max(0, 4 - code.count)))\(code) is not allowed in YAML; "
                        + "expected printable text (write it as an escape in a double-quoted string)")
            }
            offset += UTF8.width(scalar)
        }
        return text
    }

    /// The byte offset of the first byte that does not continue a valid UTF-8 sequence.
    static func firstInvalidUTF8(_ data: Data) -> Int {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = data.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded): offset += encoded.count
            case .emptyInput: return offset
            case .error: return offset
            }
        }
    }

    /// Line and column (1-based, in characters) of byte `offset`.
    static func location(of offset: Int, in data: Data, file: String) -> SourceLocation {
        let prefix = data.prefix(offset)
        var line = 1
        var lineStart = prefix.startIndex
        for index in prefix.indices where prefix[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        let column = String(decoding: prefix[lineStart...], as: UTF8.self).unicodeScalars.count + 1
        return SourceLocation(file: file, line: line, column: column)
    }
}
