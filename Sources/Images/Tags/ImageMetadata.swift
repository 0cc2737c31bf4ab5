import Foundation
import OCI

/// Tags, labels and annotations for an image from the Git ref and event, with docker/metadata-action's rules:
/// typed tag entries (`schedule`, `semver`, `pep440`, `match`, `edge`, `ref`, `raw`, `sha`) ordered by priority,
/// the first one giving the version; `latest` by flavor; tag sanitisation; OCI labels sorted by key.
public struct ImageMetadata: Sendable {
    /// The seed's tag strategy: the short SHA (8 characters), `<ref-slug>-latest` for a branch, and for a tag the
    /// tag name plus `latest`. Push to main → `1a2b3c4d`, `main-latest`; to release/1.2 → `1a2b3c4d`,
    /// `release-1.2-latest`; tag v1.2.3 → `v1.2.3`, `1a2b3c4d`, `latest`. The first tag is the version and decides
    /// `latest` (as in metadata-action), so the tag rule ranks above the SHA and the SHA above the branch.
    public static let seedStrategy = Strategy(
        tags: ["type=ref,event=tag,priority=1100", "type=sha,prefix=,format=short,priority=1000", "type=ref,event=branch,suffix=-latest"],
        flavor: ["latest=auto"], shortSHALength: 8
    )

    /// A named set of `tags` and `flavor` entries.
    public struct Strategy: Sendable {
        public var tags: [String]
        public var flavor: [String]
        public var shortSHALength: Int?
    }

    public struct Flavor: Sendable, Hashable {
        public enum Latest: String, Sendable { case auto, `true`, `false` }
        public var latest: Latest = .auto
        public var prefix = ""
        public var prefixLatest = false
        public var suffix = ""
        public var suffixLatest = false

        public init() {}

        public init(parsing entries: [String]) throws(MetadataError) {
            for entry in entries {
                var onLatestFor: String?
                for (key, text) in try CSVFields.attributes(entry, input: "flavor") {
                    guard let text else { throw .invalidEntry(input: "flavor", entry: entry, why: "expected key=value") }
                    switch key.lowercased() {
                    case "latest":
                        guard let value = Latest(rawValue: text) else {
                            throw .invalidEntry(input: "flavor", entry: entry, why: "latest must be auto, true or false")
                        }
                        latest = value
                    case "prefix":
                        prefix = text
                        onLatestFor = "prefix"
                    case "suffix":
                        suffix = text
                        onLatestFor = "suffix"
                    case "onlatest":
                        guard let value = Bool(text) else {
                            throw .invalidEntry(input: "flavor", entry: entry, why: "onlatest must be true or false")
                        }
                        if onLatestFor == "prefix" { prefixLatest = value } else if onLatestFor == "suffix" { suffixLatest = value }
                    default:
                        throw .invalidEntry(
                            input: "flavor", entry: entry,
                            why: "unknown flavor attribute '\(key)' (expected latest, prefix, suffix, onlatest)")
                    }
                }
            }
        }
    }

    /// The version: the first generated tag, then the others, and whether `latest` is added.
    public struct Version: Sendable, Hashable {
        public var main: String?
        public var partial: [String] = []
        public var latest: Bool?
    }

    public let images: [String]
    public let version: Version
    public let flavor: Flavor
    public let context: MetadataContext
    /// Warnings metadata-action would print (an invalid semver tag, a pattern that does not match, no version).
    public private(set) var warnings: [String] = []
    let extraLabels: [String]
    let extraAnnotations: [String]

    public init(
        images: [String], tags: [String], flavor: [String] = [], labels: [String] = [], annotations: [String] = [],
        context: MetadataContext
    ) throws(MetadataError) {
        self.context = context
        self.flavor = try Flavor(parsing: flavor)
        self.images = try Self.imageNames(images)
        extraLabels = labels
        extraAnnotations = annotations
        var version = Version()
        var warnings: [String] = []
        for rule in try TagRule.parse(tags) {
            let enabled = try Self.expand(rule.attributes["enable"] ?? "true", context: context)
            guard enabled == "true" || enabled == "false" else {
                throw .invalidEntry(input: "tags", entry: "enable=\(enabled)", why: "enable must be true or false")
            }
            guard enabled == "true" else { continue }
            if let (value, latest) = try Self.value(of: rule, context: context, flavor: self.flavor, warnings: &warnings) {
                Self.add(value, latest: latest, to: &version)
            }
        }
        if version.latest == nil { version.latest = false }
        if version.main == nil { warnings.append("No Docker image version has been generated. Check tags input.") }
        self.version = version
        self.warnings = warnings
    }

    // MARK: Outputs

    /// Full tags, `image:tag` for each image (or bare tags when `images` is empty).
    public var tags: [String] {
        let names = tagNames
        if images.isEmpty { return names }
        return images.flatMap { image in names.map { "\(image):\($0)" } }
    }

    /// Tags without the image name.
    public var tagNames: [String] {
        guard let main = version.main else { return [] }
        var names = [main] + version.partial
        if version.latest == true {
            let latest = (flavor.prefixLatest ? flavor.prefix : "") + "latest" + (flavor.suffixLatest ? flavor.suffix : "")
            names.append(Self.sanitizeTag(latest))
        }
        return names
    }

    /// OCI labels (`org.opencontainers.image.*`), overridden and extended by the `labels` input, sorted by key.
    public func labels() throws(MetadataError) -> [(String, String)] { try ociPairs(extra: extraLabels) }

    /// The same pairs for the `annotations` input; each output line carries a level (`manifest:`).
    public func annotations() throws(MetadataError) -> [(String, String)] { try ociPairs(extra: extraAnnotations) }

    /// The annotations as metadata-action outputs them: `level:key=value` for each level (`manifest`, `index`, …).
    public func annotationLines(levels: [String] = ["manifest"]) throws(MetadataError) -> [String] {
        let pairs = try annotations()
        return levels.flatMap { level in pairs.map { "\(level):\($0.0)=\($0.1)" } }
    }

    /// The `json` output: tags, labels and leveled annotations (canonical JSON: sorted keys, slashes unescaped).
    public func json(annotationLevels: [String] = ["manifest"]) throws(MetadataError) -> String {
        struct Output: Encodable {
            var tags: [String]
            var labels: [String: String]
            var annotations: [String]
        }
        let output = Output(
            tags: tags, labels: Dictionary(try labels(), uniquingKeysWith: { $1 }),
            annotations: try annotationLines(levels: annotationLevels))
        // Arrays and dictionaries of strings always encode.
        return (try? CanonicalJSON.encode(output)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    func ociPairs(extra: [String]) throws(MetadataError) -> [(String, String)] {
        let repositoryName = context.repository.split(separator: "/").last.map(String.init) ?? ""
        let url = context.repository.isEmpty ? "" : "\(context.serverURL)/\(context.repository)"
        var entries = [
            "org.opencontainers.image.title=\(repositoryName)",
            "org.opencontainers.image.description=\(context.repositoryDescription ?? "")",
            "org.opencontainers.image.url=\(url)",
            "org.opencontainers.image.source=\(url)",
            "org.opencontainers.image.version=\(version.main ?? "")",
            "org.opencontainers.image.created=\(MomentFormat.isoString(context.now))",
            "org.opencontainers.image.revision=\(context.sha)",
            "org.opencontainers.image.licenses=\(context.license ?? "")",
        ]
        for line in extra { entries.append(try Self.expand(line, context: context)) }
        var order: [String] = []
        var values: [String: String] = [:]
        for entry in entries {
            guard let equals = entry.firstIndex(of: "=") else { continue }
            let key = String(entry[..<equals])
            if values[key] == nil { order.append(key) }
            values[key] = String(entry[entry.index(after: equals)...])
        }
        return order.sorted(by: LocaleOrder.precedes).map { ($0, values[$0] ?? "") }
    }

    // MARK: Rules

    static func add(_ raw: String, latest: Bool, to version: inout Version) {
        guard !raw.isEmpty else { return }
        let value = sanitizeTag(raw)
        if version.main == nil {
            version.main = value
        } else if value != version.main, !version.partial.contains(value) {
            version.partial.append(value)
        }
        if version.latest == nil { version.latest = latest }
    }

    /// The tag a rule produces for this context (nil when it does not apply) and whether `latest` follows in auto mode.
    static func value(of rule: TagRule, context: MetadataContext, flavor: Flavor, warnings: inout [String]) throws(MetadataError) -> (
        String, Bool
    )? {
        func latest(auto: Bool) -> Bool {
            switch flavor.latest {
            case .auto: auto
            case .true: true
            case .false: false
            }
        }
        func decorate(_ value: String) throws(MetadataError) -> String {
            var value = value
            if let prefix = rule.attributes["prefix"] {
                value = try expand(prefix, context: context) + value
            } else if !flavor.prefix.isEmpty {
                value = try expand(flavor.prefix, context: context) + value
            }
            if let suffix = rule.attributes["suffix"] {
                value += try expand(suffix, context: context)
            } else if !flavor.suffix.isEmpty {
                value += try expand(flavor.suffix, context: context)
            }
            return value
        }
        let attribute = { (key: String) in rule.attributes[key] ?? "" }
        /// What a version rule reads: its own `value`, else the pushed tag (nil when neither applies).
        func versionSource(slashesToDashes: Bool) throws(MetadataError) -> String? {
            if !attribute("value").isEmpty { return try expand(attribute("value"), context: context) }
            guard let tag = context.tag else { return nil }
            return slashesToDashes ? tag.replacingOccurrences(of: "/", with: "-") : tag
        }
        switch rule.kind {
        case .schedule:
            guard context.eventName.contains("schedule") else { return nil }
            let rendered = try MetadataTemplate.render(attribute("pattern"), values: dateHelpers(context))
            return (try decorate(rendered), latest(auto: false))
        case .semver:
            guard let raw = try versionSource(slashesToDashes: true) else { return nil }
            guard let semver = SemanticVersion(raw) else {
                warnings.append("\(raw) is not a valid semver. More info: https://semver.org/")
                return nil
            }
            let values: [String: MetadataTemplate.Value] = [
                "raw": .text(raw), "version": .text(semver.version), "major": .text(String(semver.major)),
                "minor": .text(String(semver.minor)), "patch": .text(String(semver.patch)),
            ]
            if semver.isPrerelease {
                // Pre-releases only ever get the full version (or the raw tag).
                let pattern = isRawStatement(attribute("pattern")) ? attribute("pattern") : "{{version}}"
                return (try decorate(MetadataTemplate.render(pattern, values: values)), latest(auto: false))
            }
            return (try decorate(MetadataTemplate.render(attribute("pattern"), values: values)), latest(auto: true))
        case .pep440:
            guard let raw = try versionSource(slashesToDashes: true) else { return nil }
            guard let version = PEP440Version(raw) else {
                warnings.append("\(raw) does not conform to PEP 440. More info: https://www.python.org/dev/peps/pep-0440")
                return nil
            }
            if version.isPrerelease || version.isPostrelease || version.isDevrelease {
                return (try decorate(isRawStatement(attribute("pattern")) ? raw : version.normalized), latest(auto: false))
            }
            let values: [String: MetadataTemplate.Value] = [
                "raw": .text(raw), "version": .text(version.normalized), "major": .text(String(version.major)),
                "minor": .text(String(version.minor)), "patch": .text(String(version.patch)),
            ]
            return (try decorate(MetadataTemplate.render(attribute("pattern"), values: values)), latest(auto: true))
        case .match:
            guard let raw = try versionSource(slashesToDashes: false) else { return nil }
            let pattern = attribute("pattern")
            var expression = pattern
            var options: NSRegularExpression.Options = []
            if pattern.count > 2, pattern.hasPrefix("/"), let close = pattern.lastIndex(of: "/"), close > pattern.startIndex {
                expression = String(pattern[pattern.index(after: pattern.startIndex)..<close])
                if pattern[pattern.index(after: close)...].contains("i") { options.insert(.caseInsensitive) }
            }
            guard let regex = try? NSRegularExpression(pattern: expression, options: options) else {
                throw .invalidEntry(input: "tags", entry: pattern, why: "not a valid regular expression")
            }
            guard let match = regex.firstMatch(in: raw, range: NSRange(raw.startIndex..., in: raw)) else {
                warnings.append("\(pattern) does not match \(raw).")
                return nil
            }
            let group = Int(attribute("group")) ?? 0
            guard group < match.numberOfRanges else {
                warnings.append("Group \(group) does not exist for \(pattern) pattern.")
                return nil
            }
            let range = match.range(at: group)
            let captured = range.location == NSNotFound ? "" : Range(range, in: raw).map { String(raw[$0]) } ?? ""
            return (try decorate(captured), latest(auto: true))
        case .edge:
            guard let branch = context.branch else { return nil }
            let edgeBranch = attribute("branch").isEmpty ? (context.defaultBranch ?? "") : attribute("branch")
            guard edgeBranch == branch else { return nil }
            return (try decorate("edge"), latest(auto: false))
        case .ref:
            switch attribute("event") {
            case "branch":
                guard let branch = context.branch else { return nil }
                return (try decorate(branch), latest(auto: false))
            case "tag":
                guard let tag = context.tag else { return nil }
                return (try decorate(tag), latest(auto: true))
            default:
                guard let number = context.pullRequest else { return nil }
                return (try decorate(number), latest(auto: false))
            }
        case .raw:
            return (try decorate(expand(attribute("value"), context: context)), latest(auto: false))
        case .sha:
            guard !context.sha.isEmpty else { return nil }
            return (try decorate(attribute("format") == "short" ? context.shortSHA : context.sha), latest(auto: false))
        }
    }

    /// `{{raw}}` alone, the one pattern that keeps a pre-release's tag as written.
    static func isRawStatement(_ pattern: String) -> Bool {
        guard pattern.hasPrefix("{{"), pattern.hasSuffix("}}"), pattern.count >= 4 else { return false }
        return pattern.dropFirst(2).dropLast(2).trimmingCharacters(in: .whitespaces) == "raw"
    }

    /// The global expressions of `prefix`, `suffix`, `value`, `enable` and the `labels`/`annotations` inputs.
    static func expand(_ text: String, context: MetadataContext) throws(MetadataError) -> String {
        guard text.contains("{{") else { return text }
        var values = dateHelpers(context)
        values["branch"] = .text(context.branch ?? "")
        values["tag"] = .text(context.tag ?? "")
        values["sha"] = .text(context.shortSHA)
        values["base_ref"] = .text(
            context.tag != nil || context.pullRequest != nil
                ? (context.baseRef ?? "").replacingOccurrences(of: "refs/heads/", with: "") : "")
        values["is_default_branch"] = .text(context.isDefaultBranch ? "true" : "false")
        values["is_not_default_branch"] = .text(context.isDefaultBranch ? "false" : "true")
        return try MetadataTemplate.render(text, values: values)
    }

    static func dateHelpers(_ context: MetadataContext) -> [String: MetadataTemplate.Value] {
        func helper(_ date: Date) -> MetadataTemplate.Value {
            .helper { arguments, options throws(MetadataError) in
                for key in options.keys where key != "tz" { throw .template(key, "unknown \(key) attribute (expected tz)") }
                return try MomentFormat.format(date, arguments.first ?? "YYYY-MM-DDTHH:mm:ssZ", timeZone: options["tz"] ?? "UTC")
            }
        }
        return ["date": helper(context.now), "commit_date": helper(context.commitDate ?? context.now)]
    }

    /// Image names are lowercased; `name=…,enable=false` entries are left out.
    static func imageNames(_ entries: [String]) throws(MetadataError) -> [String] {
        var names: [String] = []
        for entry in entries {
            var name = ""
            var enabled = true
            for (key, text) in try CSVFields.attributes(entry, input: "images") {
                guard let text else {
                    name = key
                    continue
                }
                switch key.lowercased() {
                case "name": name = text
                case "enable":
                    guard let value = Bool(text) else {
                        throw .invalidEntry(input: "images", entry: entry, why: "enable must be true or false")
                    }
                    enabled = value
                default: throw .invalidEntry(input: "images", entry: entry, why: "unknown image attribute '\(key)' (expected name, enable)")
                }
            }
            if enabled, !name.isEmpty { names.append(name.lowercased()) }
        }
        return names
    }

    /// Runs of characters a tag may not hold become one `-`.
    static func sanitizeTag(_ tag: String) -> String {
        var output = ""
        var inRun = false
        for character in tag {
            if character.isASCII, character.isLetter || character.isNumber || character == "." || character == "_" || character == "-" {
                output.append(character)
                inRun = false
            } else if !inRun {
                output.append("-")
                inRun = true
            }
        }
        return output
    }

    /// The short SHA length from `DOCKER_METADATA_SHORT_SHA_LENGTH`.
    public static func shortSHALength(_ environment: [String: String]) throws(MetadataError) -> Int {
        guard let text = environment["DOCKER_METADATA_SHORT_SHA_LENGTH"], !text.isEmpty else { return 7 }
        guard let length = Int(text), length > 0 else {
            throw .invalidEntry(input: "DOCKER_METADATA_SHORT_SHA_LENGTH", entry: text, why: "not a valid number")
        }
        return length
    }
}

/// Key order close to JavaScript's `localeCompare` in the root locale: punctuation before digits before letters,
/// letters compared without case first, lowercase before uppercase on a tie.
enum LocaleOrder {
    static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        let left = lhs.unicodeScalars.map(weight)
        let right = rhs.unicodeScalars.map(weight)
        for (a, b) in zip(left, right) where a.primary != b.primary { return a.primary < b.primary }
        if left.count != right.count { return left.count < right.count }
        for (a, b) in zip(left, right) where a.tertiary != b.tertiary { return a.tertiary < b.tertiary }
        return false
    }

    static let punctuation = Array("_-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$".unicodeScalars)

    static func weight(_ scalar: Unicode.Scalar) -> (primary: Int, tertiary: Int) {
        if let index = punctuation.firstIndex(of: scalar) { return (index, 0) }
        let value = Int(scalar.value)
        switch value {
        case 0x30...0x39: return (100 + value, 0)
        case 0x61...0x7A: return (200 + value, 0)
        case 0x41...0x5A: return (200 + value + 0x20, 1)
        default: return (1000 + value, 0)
        }
    }
}
