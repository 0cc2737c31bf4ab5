/// The timestamps go-yaml recognises in plain scalars (`2006-1-2`, `2006-1-2T15:4:5.999999999Z07:00`, lower-case `t`,
/// and `2006-1-2 15:4:5.999999999` without a zone), rendered as Go marshals a `time.Time` to JSON (RFC 3339 with
/// nanoseconds, trailing zeros trimmed, `Z` for UTC).
enum GoTimestamp {
    static func parse(_ bytes: [UInt8]) -> String? {
        var cursor = Cursor(bytes: bytes)
        guard let year = cursor.digits(min: 4, max: 4), cursor.take(UInt8(ascii: "-")),
            let month = cursor.digits(min: 1, max: 2), cursor.take(UInt8(ascii: "-")),
            let day = cursor.digits(min: 1, max: 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        var hour = 0
        var minute = 0
        var second = 0
        var fraction: [UInt8] = []
        var offsetMinutes = 0
        if !cursor.atEnd {
            let separator = cursor.next()
            let zoned = separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t")
            guard zoned || separator == UInt8(ascii: " ") else { return nil }
            guard let h = cursor.digits(min: 1, max: 2), cursor.take(UInt8(ascii: ":")),
                let m = cursor.digits(min: 1, max: 2), cursor.take(UInt8(ascii: ":")),
                let s = cursor.digits(min: 1, max: 2)
            else { return nil }
            guard h < 24, m < 60, s < 60 else { return nil }
            (hour, minute, second) = (h, m, s)
            if cursor.peek == UInt8(ascii: "."), let after = cursor.peek(at: 1), ScalarResolver.isDigit(after) {
                _ = cursor.next()
                while let digit = cursor.peek, ScalarResolver.isDigit(digit) { fraction.append(cursor.next()) }
            }
            if zoned {
                if cursor.take(UInt8(ascii: "Z")) {
                    offsetMinutes = 0
                } else {
                    guard let sign = cursor.peek, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else {
                        return nil
                    }
                    _ = cursor.next()
                    guard let oh = cursor.digits(min: 2, max: 2), cursor.take(UInt8(ascii: ":")),
                        let om = cursor.digits(min: 2, max: 2), oh < 24, om < 60
                    else { return nil }
                    offsetMinutes = (oh * 60 + om) * (sign == UInt8(ascii: "-") ? -1 : 1)
                }
            }
            guard cursor.atEnd else { return nil }
        }
        while fraction.last == UInt8(ascii: "0") { fraction.removeLast() }
        if fraction.count > 9 { fraction = Array(fraction.prefix(9)) }
        while fraction.last == UInt8(ascii: "0") { fraction.removeLast() }
        var text =
            pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(hour, 2) + ":" + pad(minute, 2)
            + ":" + pad(second, 2)
        if !fraction.isEmpty { text += "." + String(decoding: fraction, as: UTF8.self) }
        if offsetMinutes == 0 {
            text += "Z"
        } else {
            let magnitude = abs(offsetMinutes)
            text += (offsetMinutes < 0 ? "-" : "+") + pad(magnitude / 60, 2) + ":" + pad(magnitude % 60, 2)
        }
        return text
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    struct Cursor {
        let bytes: [UInt8]
        var index = 0
        var atEnd: Bool { index >= bytes.count }
        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }
        func peek(at offset: Int) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }
        mutating func next() -> UInt8 {
            defer { index += 1 }
            return bytes[index]
        }
        mutating func take(_ byte: UInt8) -> Bool {
            guard peek == byte else { return false }
            index += 1
            return true
        }
        mutating func digits(min: Int, max: Int) -> Int? {
            var value = 0
            var count = 0
            while count < max, let byte = peek, ScalarResolver.isDigit(byte) {
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                index += 1
                count += 1
            }
            return count >= min ? value : nil
        }
    }
}
