import Expressions
import Testing

/// GitLab `rules:if` (gitlabhq's expression statement semantics, including Ruby truthiness inside `&&`/`||`). The
/// variables are the four that gitlabhq's own statement spec fixes, plus two for variable patterns.
@Suite struct GitLabRuleTests {
    static let variables = [
        "PRESENT_VARIABLE": "my variable", "PATH_VARIABLE": "a/path/variable/value",
        "FULL_PATH_VARIABLE": "/a/full/path/variable/value", "EMPTY_VARIABLE": "",
        "teststring": "test", "pattern1": "/^test$/",
    ]

    @Test(arguments: [
        ("$PRESENT_VARIABLE == \"my variable\"", GitLabRule.Value.bool(true)),
        ("\"my variable\" == $PRESENT_VARIABLE", .bool(true)),
        ("$PRESENT_VARIABLE == 'my variable'", .bool(true)),
        ("$PRESENT_VARIABLE != \"my variable\"", .bool(false)),
        ("$PRESENT_VARIABLE == null", .bool(false)),
        ("$EMPTY_VARIABLE == null", .bool(false)),
        ("$EMPTY_VARIABLE == \"\"", .bool(true)),
        ("$UNDEFINED_VARIABLE == null", .bool(true)),
        ("null == $UNDEFINED_VARIABLE", .bool(true)),
        ("$UNDEFINED_VARIABLE != null", .bool(false)),
        ("$PRESENT_VARIABLE", .string("my variable")),
        ("$EMPTY_VARIABLE", .string("")),
        ("$UNDEFINED_VARIABLE", .null),
        ("$PRESENT_VARIABLE =~ /var.*e$/", .bool(true)),
        ("$PRESENT_VARIABLE =~ /^var.*/", .bool(false)),
        ("$PRESENT_VARIABLE =~ /VAR.*/i", .bool(true)),
        ("$PRESENT_VARIABLE =~ /VAR.*/", .bool(false)),
        ("$PRESENT_VARIABLE !~ /var.*e$/", .bool(false)),
        ("$PATH_VARIABLE =~ /path\\/variable/", .bool(true)),
        ("$FULL_PATH_VARIABLE =~ /^\\/a\\/full\\/path\\/variable\\/value$/", .bool(true)),
        ("$UNDEFINED_VARIABLE =~ /var.*/", .bool(false)),
        ("$UNDEFINED_VARIABLE !~ /var.*/", .bool(true)),
        ("$PRESENT_VARIABLE =~ $UNDEFINED_VARIABLE", .bool(false)),
        ("$teststring =~ $pattern1", .bool(true)),
        ("$teststring !~ $pattern1", .bool(false)),
        ("$EMPTY_VARIABLE && \"string\"", .string("string")),
        ("$UNDEFINED_VARIABLE && \"string\"", .null),
        ("$PRESENT_VARIABLE || $UNDEFINED_VARIABLE", .string("my variable")),
        ("$UNDEFINED_VARIABLE || $EMPTY_VARIABLE", .string("")),
        ("\"string\" == \"test\" || \"string\"", .string("string")),
        ("$PRESENT_VARIABLE == \"my variable\" && $EMPTY_VARIABLE == \"\"", .bool(true)),
        ("$PRESENT_VARIABLE == \"nope\" || $PATH_VARIABLE =~ /path/ && $UNDEFINED_VARIABLE == null", .bool(true)),
        ("($PRESENT_VARIABLE == \"x\" || $PATH_VARIABLE) && $UNDEFINED_VARIABLE", .null),
        ("($PRESENT_VARIABLE)", .string("my variable")),
    ])
    func evaluatesLikeGitLab(_ expression: String, _ expected: GitLabRule.Value) throws {
        #expect(try GitLabRule(expression).evaluate(Self.variables) == expected, "\(expression)")
    }

    @Test(arguments: [
        ("$PRESENT_VARIABLE", true), ("$EMPTY_VARIABLE", false), ("$UNDEFINED_VARIABLE", false),
        ("$EMPTY_VARIABLE && \"string\"", true), ("\" \"", false), ("$PRESENT_VARIABLE == \"x\"", false),
        ("$PATH_VARIABLE =~ /variable/", true),
    ])
    func aRuleMatchesWhenItsValueIsPresent(_ expression: String, _ expected: Bool) throws {
        #expect(try GitLabRule(expression).matches(Self.variables) == expected, "\(expression)")
    }

    @Test(arguments: [
        ("${GITLAB_CI} == \"true\"", 1), ("!$PRESENT_VARIABLE", 1), ("$PRESENT_VARIABLE ==", 21),
        ("($PRESENT_VARIABLE", 19), ("$PRESENT_VARIABLE == 1", 22), ("\"unterminated", 1), ("", 1),
        ("$A $B", 4), ("$A == true", 7),
    ])
    func malformedExpressionsAreSyntaxErrors(_ expression: String, _ column: Int) {
        #expect {
            _ = try GitLabRule(expression)
        } throws: { error in
            guard let error = error as? GitLabRuleError else { return false }
            return error.message.hasPrefix("invalid expression syntax") && error.column == column
        }
    }

    @Test func theRightOfAMatchMustBeAPattern() throws {
        let rule = try GitLabRule("$PRESENT_VARIABLE =~ $PATH_VARIABLE")
        #expect(throws: GitLabRuleError.self) { try rule.evaluate(Self.variables) }
    }
}
