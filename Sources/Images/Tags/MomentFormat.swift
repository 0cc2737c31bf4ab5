import Foundation
import OCI

/// Dates rendered with moment.js format tokens (`YYYYMMDD-HHmmss`, `YYYY-MM-DDTHH:mm:ss.SSS[Z]`, `dddd, MMMM Do YYYY`),
/// as metadata-action's `{{date}}` and `{{commit_date}}` helpers do, in a named time zone (default UTC).
enum MomentFormat {
    static func format(_ date: Date, _ format: String, timeZone identifier: String = "UTC") throws(MetadataError) -> String {
        guard let zone = TimeZone(identifier: identifier) else { throw .template(format, "unknown time zone '\(identifier)'") }
        let offset = zone.secondsFromGMT(for: date)
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let local = milliseconds + Int64(offset) * 1000
        let millisecond = Int(((local % 1000) + 1000) % 1000)
        let seconds = (local - Int64(millisecond)) / 1000
        var days = seconds / 86_400
        var secondOfDay = Int(seconds % 86_400)
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = civil(fromDays: days)
        let weekday = Int(((days % 7) + 11) % 7)  // 1970-01-01 was a Thursday (4); Sunday = 0
        let hour = secondOfDay / 3600
        let minute = secondOfDay / 60 % 60
        let second = secondOfDay % 60
        let months = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
        ]
        let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        func zoneText(colon: Bool) -> String {
            let sign = offset < 0 ? "-" : "+"
            let magnitude = abs(offset) / 60
            return sign + pad(magnitude / 60, 2) + (colon ? ":" : "") + pad(magnitude % 60, 2)
        }
        let hour12 = hour % 12 == 0 ? 12 : hour % 12
        // Longest tokens first, so `YYYY` is not read as two `YY`.
        let tokens: [(String, () -> String)] = [
            ("YYYY", { pad(year, 4) }), ("YY", { pad(year % 100, 2) }),
            ("MMMM", { months[month - 1] }), ("MMM", { String(months[month - 1].prefix(3)) }), ("MM", { pad(month, 2) }),
            ("M", { String(month) }),
            ("Do", { ordinal(day) }), ("DD", { pad(day, 2) }), ("D", { String(day) }),
            ("dddd", { weekdays[weekday] }), ("ddd", { String(weekdays[weekday].prefix(3)) }),
            ("dd", { String(weekdays[weekday].prefix(2)) }), ("d", { String(weekday) }),
            ("HH", { pad(hour, 2) }), ("H", { String(hour) }), ("hh", { pad(hour12, 2) }), ("h", { String(hour12) }),
            ("mm", { pad(minute, 2) }), ("m", { String(minute) }), ("ss", { pad(second, 2) }), ("s", { String(second) }),
            ("SSS", { pad(millisecond, 3) }), ("SS", { pad(millisecond / 10, 2) }), ("S", { String(millisecond / 100) }),
            ("A", { hour < 12 ? "AM" : "PM" }), ("a", { hour < 12 ? "am" : "pm" }),
            ("ZZ", { zoneText(colon: false) }), ("Z", { zoneText(colon: true) }),
            ("X", { String(milliseconds / 1000) }), ("x", { String(milliseconds) }),
        ]
        var output = ""
        var rest = Substring(format)
        outer: while let first = rest.first {
            if first == "[", let close = rest.firstIndex(of: "]") {
                output += rest[rest.index(after: rest.startIndex)..<close]
                rest = rest[rest.index(after: close)...]
                continue
            }
            for (token, render) in tokens where rest.hasPrefix(token) {
                output += render()
                rest = rest.dropFirst(token.count)
                continue outer
            }
            output.append(first)
            rest = rest.dropFirst()
        }
        return output
    }

    static func ordinal(_ day: Int) -> String {
        let suffix: String
        switch (day % 10, day % 100) {
        case (_, 11...13): suffix = "th"
        case (1, _): suffix = "st"
        case (2, _): suffix = "nd"
        case (3, _): suffix = "rd"
        default: suffix = "th"
        }
        return "\(day)\(suffix)"
    }

    /// Proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's civil_from_days).
    static func civil(fromDays days: Int64) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    /// `2020-01-10T00:30:00.000Z`, JavaScript's `Date.toISOString()`.
    static func isoString(_ date: Date) -> String {
        (try? format(date, "YYYY-MM-DD[T]HH:mm:ss.SSS[Z]")) ?? ""
    }
}
