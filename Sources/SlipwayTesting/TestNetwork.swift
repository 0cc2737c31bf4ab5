import Core
import Foundation

/// A private /24 and a bridge name for one test's pods, chosen so that two copies of the test suite running on one
/// machine do not meet: a random pick among 12,800 networks that no interface of this host uses.
public enum TestNetwork {
    public static func subnet() async -> String {
        let used = (try? await CapturedCommand.run("ip", ["-4", "-o", "addr", "show"], timeout: .seconds(5)))?.standardOutput ?? ""
        for _ in 0..<50 {
            let candidate = "10.\(Int.random(in: 200...249)).\(Int.random(in: 0...255))"
            if !used.contains(" \(candidate).") { return candidate + ".0/24" }
        }
        return "10.\(Int.random(in: 200...249)).\(Int.random(in: 0...255)).0/24"
    }

    /// `prefix` and six hex digits: unique enough for a bridge or veth name (at most 15 characters).
    public static func interfaceName(_ prefix: String) -> String {
        prefix + String(UUID().uuidString.filter(\.isHexDigit).prefix(6)).lowercased()
    }
}
