/// GitLab's human durations (`timeout: 1h 30m`, `start_in: 30 minutes`, `expire_in: 1 week`), read as ChronicDuration
/// reads them: numbers with units, summed; a bare number is seconds.
public enum GitLabDuration {
    static let units: [String: Double] = [
        "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
        "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
        "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
        "d": 86_400, "day": 86_400, "days": 86_400,
        "w": 604_800, "wk": 604_800, "wks": 604_800, "week": 604_800, "weeks": 604_800,
        "mo": 2_592_000, "mos": 2_592_000, "month": 2_592_000, "months": 2_592_000,
        "y": 31_536_000, "yr": 31_536_000, "yrs": 31_536_000, "year": 31_536_000, "years": 31_536_000,
    ]

    /// Seconds, or nil when `text` is not a duration.
    public static func seconds(_ text: String) -> Double? {
        var total = 0.0
        var number = ""
        var unit = ""
        var sawAny = false
        func flush() -> Bool {
            guard !number.isEmpty else { return unit.isEmpty || unit == "and" }
            guard let value = Double(number) else { return false }
            let factor = unit.isEmpty ? 1 : units[unit.lowercased()]
            guard let factor else { return false }
            total += value * factor
            sawAny = true
            number = ""
            unit = ""
            return true
        }
        for character in text + " " {
            if character.isNumber || character == "." {
                if !unit.isEmpty {
                    guard flush() else { return nil }
                    unit = ""
                }
                number.append(character)
            } else if character.isLetter {
                unit.append(character)
            } else if character == " " || character == "," {
                if !unit.isEmpty || !number.isEmpty {
                    if unit.isEmpty { continue }
                    if number.isEmpty {
                        guard unit == "and" else { return nil }
                        unit = ""
                        continue
                    }
                    guard flush() else { return nil }
                }
            } else {
                return nil
            }
        }
        guard flush(), sawAny else { return nil }
        return total
    }

    /// `3600` as `1h 0m 0s`, as the runner prints durations.
    public static func describe(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m \(total % 60)s" }
        return "\(total / 3600)h \(total % 3600 / 60)m \(total % 60)s"
    }
}
