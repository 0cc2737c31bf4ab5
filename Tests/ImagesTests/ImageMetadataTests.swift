import Foundation
import Images
import Testing

/// docker/metadata-action's documented behaviour (its README's tables), computed by `ImageMetadata`.
struct ImageMetadataTests {
    static let sha = "860c1904a1ce19322e91ac35af1ab07466440c37"
    static let now = Date(timeIntervalSince1970: 1_578_616_200)  // 2020-01-10T00:30:00Z

    static func context(_ ref: String, event: String = "push", defaultBranch: String = "master", shortLength: Int = 7) -> MetadataContext {
        MetadataContext(
            eventName: event, ref: ref, sha: sha, defaultBranch: defaultBranch, commitDate: now, now: now,
            shortSHALength: shortLength, repository: "octocat/Hello-World")
    }

    static func tags(
        _ rules: [String], ref: String, event: String = "push", flavor: [String] = [], images: [String] = ["name/app"],
        shortLength: Int = 7
    ) throws -> [String] {
        try ImageMetadata(images: images, tags: rules, flavor: flavor, context: context(ref, event: event, shortLength: shortLength)).tags
    }

    @Test(arguments: [
        ("pull_request", "refs/pull/2/merge", ["name/app:pr-2"]),
        ("push", "refs/heads/master", ["name/app:master"]),
        ("push", "refs/heads/releases/v1", ["name/app:releases-v1"]),
        ("push", "refs/tags/v1.2.3", ["name/app:v1.2.3", "name/app:latest"]),
        ("push", "refs/tags/v2.0.8-beta.67", ["name/app:v2.0.8-beta.67", "name/app:latest"]),
        ("workflow_dispatch", "refs/heads/master", ["name/app:master"]),
    ])
    func defaultRules(event: String, ref: String, expected: [String]) throws {
        #expect(try Self.tags([], ref: ref, event: event) == expected)
    }

    @Test(arguments: [
        ("refs/pull/2/merge", ["name/app:pr-2"]),
        ("refs/heads/master", ["name/app:master"]),
        ("refs/tags/v1.2.3", ["name/app:1.2.3", "name/app:1.2", "name/app:latest"]),
        ("refs/tags/v2.0.8-beta.67", ["name/app:2.0.8-beta.67"]),
    ])
    func semverRules(ref: String, expected: [String]) throws {
        let rules = [
            "type=ref,event=branch", "type=ref,event=pr", "type=semver,pattern={{version}}", "type=semver,pattern={{major}}.{{minor}}",
        ]
        #expect(try Self.tags(rules, ref: ref, event: ref.contains("pull") ? "pull_request" : "push") == expected)
    }

    @Test func semverPatterns() throws {
        func one(_ pattern: String, _ tag: String) throws -> [String] {
            try Self.tags(["type=semver,pattern=\(pattern)"], ref: "refs/tags/\(tag)", flavor: ["latest=false"], images: [])
        }
        #expect(try one("{{raw}}", "v1.2.3") == ["v1.2.3"])
        #expect(try one("v{{major}}", "v1.2.3") == ["v1"])
        #expect(try one("{{patch}}", "v1.2.3") == ["3"])
        #expect(try one("{{major}}", "v2.0.8-beta.67") == ["2.0.8-beta.67"])
        #expect(try one("{{raw}}", "v2.0.8-beta.67") == ["v2.0.8-beta.67"])
        // Not a semver tag: nothing, and a warning.
        let metadata = try ImageMetadata(
            images: [], tags: ["type=semver,pattern={{version}}"], context: Self.context("refs/tags/release-7"))
        #expect(metadata.tags.isEmpty)
        #expect(metadata.warnings.contains { $0.contains("release-7 is not a valid semver") })
        #expect(
            try Self.tags(["type=semver,pattern={{version}},value=v1.0.0"], ref: "refs/heads/master") == [
                "name/app:1.0.0", "name/app:latest",
            ])
    }

    @Test func pep440AndMatch() throws {
        func pep(_ pattern: String, _ tag: String) throws -> [String] {
            try Self.tags(["type=pep440,pattern=\(pattern)"], ref: "refs/tags/\(tag)", flavor: ["latest=false"], images: [])
        }
        #expect(try pep("{{version}}", "v1.2.3") == ["1.2.3"])
        #expect(try pep("{{major}}.{{minor}}", "1.2.3") == ["1.2"])
        #expect(try pep("{{version}}", "1.2.3rc2") == ["1.2.3rc2"])
        #expect(try pep("{{major}}.{{minor}}", "1.2.3post1") == ["1.2.3.post1"])
        #expect(try pep("{{major}}.{{minor}}", "1.2.3beta2") == ["1.2.3b2"])
        #expect(try pep("{{major}}.{{minor}}", "1.0dev4") == ["1.0.dev4"])
        func match(_ pattern: String, group: Int, _ tag: String) throws -> [String] {
            try Self.tags(["type=match,pattern=\(pattern),group=\(group)"], ref: "refs/tags/\(tag)", flavor: ["latest=false"], images: [])
        }
        #expect(try match(#"\d.\d.\d"#, group: 0, "v1.2.3") == ["1.2.3"])
        #expect(try match("v(.*)", group: 1, "v2.0.8-beta.67") == ["2.0.8-beta.67"])
        #expect(try match(#"v(\d.\d)"#, group: 1, "v2.0.8-beta.67") == ["2.0"])
        #expect(try match(#"\d+"#, group: 0, "20200110-RC2") == ["20200110"])
        #expect(try match(#"p1/v(\d.\d.\d)"#, group: 1, "p1/v1.2.3") == ["1.2.3"])
    }

    @Test func shaEdgeRawAndSchedule() throws {
        #expect(try Self.tags(["type=sha"], ref: "refs/heads/master") == ["name/app:sha-860c190"])
        #expect(try Self.tags(["type=sha,format=long"], ref: "refs/heads/master") == ["name/app:sha-\(Self.sha)"])
        #expect(try Self.tags(["type=sha"], ref: "refs/heads/master", shortLength: 12) == ["name/app:sha-860c1904a1ce"])
        #expect(try Self.tags(["type=edge"], ref: "refs/heads/master") == ["name/app:edge"])
        #expect(try Self.tags(["type=edge,branch=develop"], ref: "refs/heads/master").isEmpty)
        #expect(
            try Self.tags(["type=raw,value=foo", "bar", "type=raw,baz"], ref: "refs/heads/x") == [
                "name/app:foo", "name/app:bar", "name/app:baz",
            ])
        #expect(
            try Self.tags(["type=raw,value=mytag-{{branch}}-{{sha}}"], ref: "refs/heads/my/branch") == ["name/app:mytag-my-branch-860c190"])
        #expect(try Self.tags(["type=raw,value=latest,enable={{is_default_branch}}"], ref: "refs/heads/master") == ["name/app:latest"])
        #expect(try Self.tags(["type=raw,value=latest,enable={{is_default_branch}}"], ref: "refs/heads/dev").isEmpty)
        #expect(try Self.tags(["type=schedule"], ref: "refs/heads/master", event: "schedule") == ["name/app:nightly"])
        #expect(
            try Self.tags(["type=schedule,pattern={{date 'YYYYMMDD'}}"], ref: "refs/heads/master", event: "schedule") == [
                "name/app:20200110"
            ])
        #expect(
            try Self.tags(["type=schedule,pattern={{date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}"], ref: "refs/heads/master", event: "schedule")
                == ["name/app:20200110-093000"])
        #expect(try Self.tags(["type=schedule"], ref: "refs/heads/master").isEmpty)
    }

    @Test func priorityFlavorAndSanitising() throws {
        // Higher priority first; the first tag is the version.
        let metadata = try ImageMetadata(
            images: ["Name/App"], tags: ["type=sha", "type=raw,value=first,priority=2000"], context: Self.context("refs/heads/master"))
        #expect(metadata.tags == ["name/app:first", "name/app:sha-860c190"])
        #expect(metadata.version.main == "first")
        #expect(
            try Self.tags(["type=ref,event=branch"], ref: "refs/heads/master", flavor: ["latest=true"]) == [
                "name/app:master", "name/app:latest",
            ])
        #expect(try Self.tags(["type=ref,event=tag"], ref: "refs/tags/v1", flavor: ["latest=false"]) == ["name/app:v1"])
        #expect(
            try Self.tags(["type=ref,event=tag"], ref: "refs/tags/v1", flavor: ["prefix=app-,onlatest=true", "suffix=-slim"])
                == ["name/app:app-v1-slim", "name/app:app-latest"])
        #expect(try Self.tags(["type=ref,event=branch"], ref: "refs/heads/feat/ü+x") == ["name/app:feat-x"])
        #expect(try Self.tags(["type=ref,event=branch", "type=raw,value=master"], ref: "refs/heads/master") == ["name/app:master"])
        #expect(
            try Self.tags(["type=ref,event=branch"], ref: "refs/heads/main", images: ["name=a/b,enable=false", "name=c/d"]) == ["c/d:main"])
        #expect(try Self.tags(["type=ref,event=branch"], ref: "refs/heads/main", images: []) == ["main"])
    }

    @Test func labelsAreSortedAndOverridable() throws {
        let metadata = try ImageMetadata(
            images: ["name/app"], tags: ["type=ref,event=tag"],
            labels: [
                "org.opencontainers.image.title=MyCustomTitle", "maintainer=CrazyMax", "org.opencontainers.image.vendor=MyCompany",
                "no-equals",
            ],
            context: Self.context("refs/tags/v1.2.3")
        )
        let labels = try metadata.labels()
        #expect(
            labels.map(\.0) == [
                "maintainer", "org.opencontainers.image.created", "org.opencontainers.image.description",
                "org.opencontainers.image.licenses",
                "org.opencontainers.image.revision", "org.opencontainers.image.source", "org.opencontainers.image.title",
                "org.opencontainers.image.url", "org.opencontainers.image.vendor", "org.opencontainers.image.version",
            ])
        let values = Dictionary(uniqueKeysWithValues: labels)
        #expect(values["org.opencontainers.image.title"] == "MyCustomTitle")
        #expect(values["org.opencontainers.image.created"] == "2020-01-10T00:30:00.000Z")
        #expect(values["org.opencontainers.image.version"] == "v1.2.3")
        #expect(values["org.opencontainers.image.source"] == "https://github.com/octocat/Hello-World")
        let json = try metadata.json()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["tags"] as? [String] == ["name/app:v1.2.3", "name/app:latest"])
        #expect((object["annotations"] as? [String])?.first == "manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z")
        #expect(json.contains("https://github.com/octocat"), "slashes are not escaped, as JSON.stringify writes them")
    }

    @Test func theSeedStrategy() throws {
        func seed(_ ref: String) throws -> [String] {
            let strategy = ImageMetadata.seedStrategy
            var context = Self.context(ref, shortLength: strategy.shortSHALength ?? 7)
            context.sha = "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b"
            return try ImageMetadata(images: ["registry.local/my-app"], tags: strategy.tags, flavor: strategy.flavor, context: context).tags
        }
        #expect(try seed("refs/heads/main") == ["registry.local/my-app:1a2b3c4d", "registry.local/my-app:main-latest"])
        #expect(try seed("refs/heads/release/1.2") == ["registry.local/my-app:1a2b3c4d", "registry.local/my-app:release-1.2-latest"])
        #expect(
            try seed("refs/tags/v1.2.3") == [
                "registry.local/my-app:v1.2.3", "registry.local/my-app:1a2b3c4d", "registry.local/my-app:latest",
            ])
    }

    @Test func badEntriesNameTheInput() {
        let cases: [([String], [String], String)] = [
            (["type=bogus"], [], "tags: 'type=bogus': unknown tag type 'bogus'"),
            (["type=semver"], [], "tags: 'type=semver': type=semver needs a pattern attribute"),
            (["type=ref"], [], "tags: 'type=ref': type=ref needs an event attribute"),
            (["type=ref,event=push"], [], "invalid event 'push'"),
            (["type=sha,format=medium"], [], "invalid format 'medium'"),
            (["type=raw,value=x,enable=maybe"], [], "enable must be true or false"),
            (["type=raw,value=x"], ["latest=sometimes"], "flavor: 'latest=sometimes': latest must be auto, true or false"),
            (["type=raw,\"value=unclosed"], [], "an unclosed double quote"),
            (["type=schedule,pattern={{date 'YYYY' tz='Mars/Olympus'}}"], [], "unknown time zone 'Mars/Olympus'"),
        ]
        for (rules, flavor, message) in cases {
            var context = Self.context("refs/heads/master", event: "schedule")
            context.eventName = "schedule"
            do {
                _ = try ImageMetadata(images: ["a"], tags: rules, flavor: flavor, context: context)
                Issue.record("\(rules) was accepted")
            } catch {
                #expect(error.description.contains(message), "\(error.description)")
            }
        }
    }
}
