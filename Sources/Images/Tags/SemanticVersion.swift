import Foundation
import OCI

/// A Semantic Versioning 2.0 version as node-semver reads a Git tag in strict mode: an optional `v` or `=`,
/// `MAJOR.MINOR.PATCH` without leading zeros, then `-prerelease` and `+build`.
public struct SemanticVersion: Sendable, Hashable {
    public var raw: String
    public var major: Int
    public var minor: Int
    public var patch: Int
    public var prerelease: [String]
    public var build: [String]

    /// `MAJOR.MINOR.PATCH[-PRERELEASE]`, the build metadata left out (node-semver's `version`).
    public var version: String {
        "\(major).\(minor).\(patch)" + (prerelease.isEmpty ? "" : "-" + prerelease.joined(separator: "."))
    }

    public var isPrerelease: Bool { !prerelease.isEmpty }

    public init?(_ text: String) {
        raw = text
        var body = Substring(text.trimmingCharacters(in: .whitespaces))
        if body.first == "=" || body.first == "v" { body = body.dropFirst() }
        var buildPart: Substring?
        if let plus = body.firstIndex(of: "+") {
            buildPart = body[body.index(after: plus)...]
            body = body[..<plus]
        }
        var prePart: Substring?
        if let dash = body.firstIndex(of: "-") {
            prePart = body[body.index(after: dash)...]
            body = body[..<dash]
        }
        let numbers = body.split(separator: ".", omittingEmptySubsequences: false)
        guard numbers.count == 3 else { return nil }
        var parsed: [Int] = []
        for number in numbers {
            guard Self.isNumeric(number), let value = Int(number) else { return nil }
            parsed.append(value)
        }
        (major, minor, patch) = (parsed[0], parsed[1], parsed[2])
        prerelease = []
        if let prePart {
            let identifiers = prePart.split(separator: ".", omittingEmptySubsequences: false)
            for identifier in identifiers {
                guard Self.isIdentifier(identifier) else { return nil }
                if identifier.allSatisfy(\.isASCIIDigit), !Self.isNumeric(identifier) { return nil }
                prerelease.append(String(identifier))
            }
        }
        build = []
        if let buildPart {
            for identifier in buildPart.split(separator: ".", omittingEmptySubsequences: false) {
                guard Self.isIdentifier(identifier) else { return nil }
                build.append(String(identifier))
            }
        }
    }

    /// Digits only, and no leading zero unless the number is 0.
    static func isNumeric(_ text: Substring) -> Bool {
        !text.isEmpty && text.allSatisfy(\.isASCIIDigit) && (text == "0" || text.first != "0")
    }

    static func isIdentifier(_ text: Substring) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isASCIIDigit || ($0.isASCII && $0.isLetter) || $0 == "-" }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isWholeNumber }
}
