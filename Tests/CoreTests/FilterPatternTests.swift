import Testing

@testable import Core

@Suite struct FilterPatternTests {
    func matches(_ patterns: [String], _ value: String) throws -> Bool {
        try FilterPattern.matches(patterns.map { try FilterPattern($0) }, value)
    }

    @Test func singleStarDoesNotCrossSlash() throws {
        #expect(try matches(["release/*"], "release/1.0"))
        #expect(try !matches(["release/*"], "release/1.0/hotfix"))
        #expect(try matches(["release/**"], "release/1.0/hotfix"))
        #expect(try !matches(["release/*"], "main"))
    }

    @Test func tagsAndQuantifiers() throws {
        #expect(try matches(["v*"], "v1.2.3"))
        #expect(try matches(["v[12].[0-9]+.[0-9]+"], "v2.10.3"))
        #expect(try !matches(["v[12].[0-9]+.[0-9]+"], "v3.1.0"))
        #expect(try matches(["colou?r"], "color"))
        #expect(try matches(["colou?r"], "colour"))
    }

    @Test func negationIsOrdered() throws {
        #expect(try !matches(["releases/**", "!releases/**-alpha"], "releases/1.0-alpha"))
        #expect(try matches(["releases/**", "!releases/**-alpha", "releases/**"], "releases/1.0-alpha"))
        #expect(try matches(["**.js", "!docs/**"], "src/app.js"))
        #expect(try !matches(["**.js", "!docs/**"], "docs/app.js"))
    }

    @Test func literalCharactersAreEscaped() throws {
        #expect(try matches(["a.b"], "a.b"))
        #expect(try !matches(["a.b"], "axb"))
        #expect(try matches(["feature\\*"], "feature*"))
    }
}

/// File globs as `@actions/glob` reads them (artifact and cache paths).
@Suite struct PathGlobTests {
    @Test func segmentsAndGlobstars() {
        #expect(PathGlob("dist/*.js").matches("dist/app.js"))
        #expect(!PathGlob("dist/*.js").matches("dist/sub/app.js"))
        #expect(PathGlob("dist/**/*.js").matches("dist/app.js"))
        #expect(PathGlob("dist/**/*.js").matches("dist/a/b/app.js"))
        #expect(PathGlob("dist/**").matches("dist/.hidden/x"))
        #expect(PathGlob("file?.txt").matches("file1.txt"))
        #expect(!PathGlob("file?.txt").matches("file.txt"))
        #expect(PathGlob("[a-c]x").matches("bx"))
        #expect(!PathGlob("[!a-c]x").matches("bx"))
        #expect(PathGlob("c++/lib").matches("c++/lib"))
    }

    @Test func directoriesBringTheirContents() {
        #expect(PathGlob("/w/dist").matchesSelfOrAncestor("/w/dist/bin/app"))
        #expect(!PathGlob("/w/dist").matchesSelfOrAncestor("/w/distribution/app"))
        #expect(PathGlob.searchRoot("/w/dist/**/*.js") == "/w/dist")
        #expect(PathGlob.searchRoot("/w/coverage.out") == "/w/coverage.out")
    }
}
