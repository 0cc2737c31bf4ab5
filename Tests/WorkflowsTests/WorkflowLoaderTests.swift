import Core
import Expressions
import Testing
import Workflows

@Suite struct WorkflowLoaderTests {
    func diagnostics(_ yaml: String) -> [String] {
        do {
            _ = try WorkflowLoader.load(text: yaml, path: "w.yml")
            return []
        } catch {
            return error.items.map(\.description)
        }
    }

    @Test func onIsNotABoolean() throws {
        let workflow = try WorkflowLoader.load(text: "on: push\njobs:\n  a:\n    runs-on: x\n    steps: [{run: echo}]\n", path: "w.yml")
        #expect(workflow.triggers.map(\.event) == ["push"])
    }

    @Test func reportsEveryProblemWithPositions() {
        let problems = diagnostics(
            """
            on: push
            jobs:
              a:
                runs-on: ubuntu-latest
                bogus: 1
                steps:
                  - run: echo ${{ env.X == }}
              b:
                needs: [a, nope]
                runs-on: ubuntu-latest
                if: ${{ env.FOO }}
                steps: [{run: echo}]
            """)
        #expect(problems.contains { $0.hasPrefix("w.yml:5:5: Unexpected value 'bogus'") })
        #expect(problems.contains { $0.hasPrefix("w.yml:7:") && $0.contains("Unexpected end of expression") }, "\(problems)")
        #expect(problems.contains { $0.contains("depends on unknown job 'nope'") && $0.hasPrefix("w.yml:9:") })
        #expect(problems.contains { $0.hasPrefix("w.yml:11:") && $0.contains("Unrecognized named-value: 'env'") })
    }

    @Test func needsCycle() {
        let problems = diagnostics(
            """
            on: push
            jobs:
              a: {runs-on: x, needs: c, steps: [{run: echo}]}
              b: {runs-on: x, steps: [{run: echo}]}
              c: {runs-on: x, needs: a, steps: [{run: echo}]}
            """)
        #expect(problems.contains { $0.contains("creates a cycle") })
    }

    @Test func malformedYAMLHasAPosition() {
        let problems = diagnostics("on: push\njobs:\n  a: [unclosed\n")
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("w.yml:") == true)
    }

    @Test func generatedStepIds() throws {
        #expect(
            diagnostics("on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - id: __mine\n        run: echo\n").contains {
                $0.contains("reserved")
            })
        let ok = try WorkflowLoader.load(
            text:
                "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo\n      - uses: actions/checkout@v4\n      - run: "
                + "echo\n",
            path: "w.yml")
        #expect(ok.jobs[0].steps.map(\.id) == ["__run", "__actions_checkout", "__run_2"])
    }

    @Test(arguments: [
        ("refs/heads/main", true), ("refs/heads/release/1.0", true), ("refs/heads/feature/x", false),
        ("refs/tags/v1.2.3", true), ("refs/tags/nightly", false),
    ])
    func pushFilters(ref: String, expected: Bool) throws {
        let workflow = try WorkflowLoader.load(
            text: """
                on:
                  push:
                    branches: [main, 'release/*']
                    tags: ['v*']
                jobs:
                  a: {runs-on: x, steps: [{run: echo}]}
                """, path: "w.yml")
        let event = WorkflowEvent(name: "push", ref: ref, sha: "0")
        #expect(workflow.triggers[0].matches(event) == expected)
    }

    @Test func matrixIncludeExclude() throws {
        let combos = try Matrix.expand([
            "os": ["linux", "mac"], "go": ["1.22", "1.23"],
            "exclude": [["os": "mac", "go": "1.22"]],
            "include": [["os": "linux", "experimental": true], ["os": "windows", "go": "1.23"]],
        ])
        let names = combos.map { Matrix.displayName("build", $0) }
        #expect(names == ["build (linux, 1.22, true)", "build (linux, 1.23, true)", "build (mac, 1.23)", "build (windows, 1.23)"])
    }
}
