/// Splits a process's output into lines as it arrives. A line longer than `maximumLength` is cut into pieces of that
/// size (GitHub's runner keeps a step with a huge line running; so does Slipway), the first cut announced once.
struct OutputLineSplitter {
    static let maximumLength = 64 * 1024
    static let notice = "(a line longer than 65,536 bytes follows in pieces)"

    private var pending: [UInt8] = []
    private var announced = false
    private var afterCarriageReturn = false

    /// The complete lines in `bytes` (and in what came before), without their line breaks (`\n`, `\r\n` or `\r`).
    mutating func feed(_ bytes: some Sequence<UInt8>) -> [String] {
        var lines: [String] = []
        for byte in bytes {
            let wasCarriageReturn = afterCarriageReturn
            afterCarriageReturn = byte == UInt8(ascii: "\r")
            if byte == UInt8(ascii: "\n") && wasCarriageReturn { continue }  // the second half of \r\n
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                lines.append(Self.text(pending))
                pending.removeAll(keepingCapacity: true)
                continue
            }
            pending.append(byte)
            if pending.count >= Self.maximumLength {
                if !announced {
                    lines.append(Self.notice)
                    announced = true
                }
                lines.append(Self.text(pending))
                pending.removeAll(keepingCapacity: true)
            }
        }
        return lines
    }

    /// What is left once the output ended without a final line break.
    mutating func finish() -> String? {
        defer { pending.removeAll() }
        return pending.isEmpty ? nil : Self.text(pending)
    }

    static func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
