import Core
import Foundation
import Runner
import SlipwayTesting
import Testing
import Workflows

@Suite(.serialized) struct SchedulingTests {
    func run(_ yaml: String, secrets: [String: String] = [:], in repo: TemporaryRepository) async throws -> RunRecord {
        let workflow = try WorkflowLoader.load(text: yaml, path: ".github/workflows/test.yml")
        let event = WorkflowEvent(name: "push", ref: "refs/heads/main", sha: String(repeating: "b", count: 40))
        let options = RunOptions(repositoryRoot: repo.path, event: event, secrets: secrets, stateDirectory: "\(repo.path)/.slipway")
        return await WorkflowRunner(workflow: workflow, options: options, reporter: SilentReporter()).run()
    }

    @Test func dependentStartsWhenItsOwnNeedsFinish() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        // `fast-child` needs only `fast`; it must run while `slow` is still running (no stage barrier). `slow` waits
        // for the child's file (60 s at most: the whole suite runs beside it), so the order does not depend on how
        // loaded the machine is. The child's file appears whole (renamed into place): the shell creates a redirect's
        // file before `date` has run, and `slow` must not see it then.
        let record = try await run(
            """
            on: push
            jobs:
              slow:
                runs-on: ubuntu-latest
                steps:
                  - run: |
                      for i in $(seq 600); do [ -e "$GITHUB_WORKSPACE/child" ] && break; sleep 0.1; done
                      date +%s.%N > "$GITHUB_WORKSPACE/slow"
              fast:
                runs-on: ubuntu-latest
                steps:
                  - run: true
              fast-child:
                needs: fast
                runs-on: ubuntu-latest
                steps:
                  - run: date +%s.%N > "$GITHUB_WORKSPACE/child.partial" && mv "$GITHUB_WORKSPACE/child.partial" "$GITHUB_WORKSPACE/child"
            """, in: repo)
        #expect(record.result == .success)
        let slow =
            Double(try String(contentsOfFile: "\(repo.path)/slow", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        let child =
            Double(try String(contentsOfFile: "\(repo.path)/child", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(child < slow)
    }

    @Test func failedNeedSkipsDependentUnlessStatusFunction() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        let record = try await run(
            """
            on: push
            jobs:
              a:
                runs-on: ubuntu-latest
                steps: [{run: exit 3}]
              b:
                needs: a
                runs-on: ubuntu-latest
                steps: [{run: true}]
              c:
                needs: a
                if: failure()
                runs-on: ubuntu-latest
                steps: [{run: true}]
            """, in: repo)
        let results = Dictionary(uniqueKeysWithValues: record.jobs.map { ($0.jobID, $0.result) })
        #expect(results["a"] == .failure)
        #expect(results["b"] == .skipped)
        #expect(results["c"] == .success)
        #expect(record.result == .failure)
    }

    @Test func fractionalStepTimeoutKillsTheProcessGroup() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        let started = ContinuousClock.now
        let record = try await run(
            """
            on: push
            jobs:
              t:
                runs-on: ubuntu-latest
                steps:
                  - timeout-minutes: 0.02
                    run: |
                      (sleep 30; touch "$GITHUB_WORKSPACE/orphan") &
                      echo $! > "$GITHUB_WORKSPACE/orphan.pid"
                      sleep 30
            """, in: repo)
        #expect(record.result == .failure)
        #expect(ContinuousClock.now - started < .seconds(20))
        // The step's whole process group went with it: the background child is no longer running.
        let orphan = try #require(
            Int32(String(contentsOfFile: "\(repo.path)/orphan.pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(await Leftovers.waitUntilEnded([orphan]).isEmpty, "the background child \(orphan) was killed with the step")
        #expect(!FileManager.default.fileExists(atPath: "\(repo.path)/orphan"))
    }

    @Test func matrixNamesAndFailFast() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        let record = try await run(
            """
            on: push
            jobs:
              build:
                runs-on: ubuntu-latest
                strategy:
                  max-parallel: 1
                  matrix:
                    os: [linux]
                    go: ['1.22', '1.23']
                steps:
                  - run: test "${{ matrix.go }}" != "1.22"
            """, in: repo)
        #expect(record.jobs.map(\.name) == ["build (linux, 1.22)", "build (linux, 1.23)"])
        #expect(record.jobs.map(\.result) == [.failure, .cancelled])
    }

    @Test(.timeLimit(.minutes(3))) func failFastCancelsRunningInstancesAndKillsTheirProcesses() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        let marker = "\(repo.path)/survived"
        let started = ContinuousClock.now
        let record = try await run(
            """
            on: push
            jobs:
              build:
                runs-on: ubuntu-latest
                strategy:
                  matrix:
                    n: [1, 2, 3]
                steps:
                  - run: |
                      if [ "${{ matrix.n }}" = 1 ]; then sleep 0.5; exit 1; fi
                      (sleep 30; touch "\(marker)-${{ matrix.n }}") &
                      echo $! > "\(marker)-${{ matrix.n }}.pid"
                      sleep 30
            """, in: repo)
        #expect(record.jobs.map(\.result) == [.failure, .cancelled, .cancelled], "\(record.jobs.map(\.log))")
        #expect(record.jobs.dropFirst().allSatisfy { $0.failureReason?.contains("fail-fast") == true })
        #expect(record.result == .failure)
        #expect(ContinuousClock.now - started < .seconds(20))
        // The cancelled instances' whole process trees are gone: their background children are no longer running.
        // (An instance cancelled before its step got that far started no child.)
        let children = ["2", "3"].compactMap { n in
            (try? String(contentsOfFile: "\(marker)-\(n).pid", encoding: .utf8)).flatMap {
                Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
        #expect(await Leftovers.waitUntilEnded(children).isEmpty, "the background children \(children) were killed with their instances")
        #expect(!FileManager.default.fileExists(atPath: "\(marker)-2"))
        #expect(!FileManager.default.fileExists(atPath: "\(marker)-3"))
    }

    @Test(.timeLimit(.minutes(3))) func withoutFailFastTheOtherInstancesFinish() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        let record = try await run(
            """
            on: push
            jobs:
              build:
                runs-on: ubuntu-latest
                strategy:
                  fail-fast: false
                  matrix:
                    n: [1, 2, 3]
                steps:
                  - run: |
                      if [ "${{ matrix.n }}" = 1 ]; then exit 1; fi
                      sleep 0.5
            """, in: repo)
        #expect(record.jobs.map(\.result) == [.failure, .success, .success])
        #expect(record.result == .failure)
    }

    @Test func outputsFlowThroughNeedsAndSecretsAreMasked() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        let record = try await run(
            """
            on: push
            jobs:
              produce:
                runs-on: ubuntu-latest
                outputs:
                  value: ${{ steps.s.outputs.value }}
                  leaked: ${{ steps.s.outputs.leaked }}
                steps:
                  - id: s
                    run: |
                      echo "value=hello" >> "$GITHUB_OUTPUT"
                      echo "leaked=${{ secrets.TOKEN }}" >> "$GITHUB_OUTPUT"
                      echo "token is ${{ secrets.TOKEN }}"
                      echo "${{ secrets.TOKEN }}" | base64
              consume:
                needs: produce
                runs-on: ubuntu-latest
                steps:
                  - run: test "${{ needs.produce.outputs.value }}" = hello && test -z "${{ needs.produce.outputs.leaked }}"
            """, secrets: ["TOKEN": "sup3r-s3cret-v4lue"], in: repo)
        #expect(record.result == .success)
        let logs = record.jobs.flatMap(\.log).joined(separator: "\n")
        #expect(!logs.contains("sup3r-s3cret-v4lue"))
        #expect(!logs.contains(Data("sup3r-s3cret-v4lue\n".utf8).base64EncodedString().prefix(16)))
        #expect(logs.contains("token is ***"))
    }
}
