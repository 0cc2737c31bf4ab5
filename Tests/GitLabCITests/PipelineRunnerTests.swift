import Foundation
import GitLabCI
import SlipwayTesting
import Testing

/// Pipelines run for real in a scratch repository, each job in its own worktree of the commit: DAG order without
/// stage barriers, artifacts and dotenv between jobs, retries, timeouts with after_script, variable precedence,
/// masking, caches and manual jobs.
@Suite struct PipelineRunnerTests {
    struct Run {
        let repository: TemporaryRepository
        let config: GitLabConfig
        let context: PipelineContext

        init(_ text: String, variables: [String: String] = [:]) async throws {
            repository = try TemporaryRepository.make()
            try repository.write(".gitlab-ci.yml", text)
            try repository.commitAll("pipeline")
            config = try await GitLabConfigLoader(repositoryRoot: repository.path).load()
            let list = variables.sorted { $0.key < $1.key }.map { GitLabVariable(name: $0.key, value: $0.value) }
            context = await PipelineContext.fromRepository(root: repository.path, source: "push", ref: nil, before: nil, variables: list)
        }

        func run(_ adjust: (inout PipelineContext, inout PipelineRunOptions) -> Void = { _, _ in }) async throws -> PipelineResult {
            var context = self.context
            var options = PipelineRunOptions(repositoryRoot: repository.path)
            adjust(&context, &options)
            let plan = try PipelinePlanner(config: config, context: context).plan()
            return await PipelineRunner(config: config, plan: plan, context: context, options: options).run()
        }
    }

    static func job(_ result: PipelineResult, _ name: String) -> PipelineJobResult? { result.jobs.first { $0.name == name } }

    @Test func needsStartJobsWithoutWaitingForTheirStage() async throws {
        // `slow` (stage test) waits for a file that only `fast` (stage deploy, needs build) writes: the pipeline can
        // finish only if `fast` runs while `slow`'s stage is still running.
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-dag-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: marker) }
        let run = try await Run(
            """
            build:
              stage: build
              script: [echo built > out.txt]
              artifacts:
                paths: [out.txt]
                reports:
                  dotenv: build.env
              after_script: [echo "IMAGE=registry/app:$CI_COMMIT_SHORT_SHA" > build.env]
            slow:
              stage: test
              timeout: 60s
              script:
                - for i in $(seq 1 400); do test -f "$MARKER" && exit 0; sleep 0.05; done; exit 1
            fast:
              stage: deploy
              needs: [build]
              script:
                - test "$(cat out.txt)" = built
                - echo "image $IMAGE"
                - touch "$MARKER"
            """, variables: ["MARKER": marker])
        defer { run.repository.remove() }
        let result = try await run.run()
        #expect(result.status == .success, "\(result.jobs.map { ($0.name, $0.status, $0.log) })")
        #expect(Self.job(result, "fast")?.log.contains { $0.hasPrefix("image registry/app:") && $0.count > 20 } == true)
    }

    @Test func retriesTimeoutsAndAfterScript() async throws {
        let counter = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-retry-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: counter) }
        let run = try await Run(
            """
            flaky:
              retry:
                max: 2
                when: script_failure
              script:
                - echo x >> "$COUNTER"
                - test "$(wc -l < "$COUNTER")" -ge 2
            slow:
              timeout: 1s
              retry:
                max: 1
                when: script_failure
              script: [sleep 30]
              after_script: [echo "after saw $CI_JOB_STATUS"]
            exit-code:
              allow_failure:
                exit_codes: [3]
              script: [exit 3]
            """, variables: ["COUNTER": counter])
        defer { run.repository.remove() }
        let result = try await run.run()
        #expect(Self.job(result, "flaky")?.status == .success)
        #expect(Self.job(result, "flaky")?.attempts == 2)
        let slow = try #require(Self.job(result, "slow"))
        #expect(slow.status == .failed)
        #expect(slow.failureReason == "job_execution_timeout")
        #expect(slow.attempts == 1)
        #expect(slow.log.contains("after saw failed"))
        #expect(Self.job(result, "exit-code")?.status == .failed)
        // GitLab marks a job that failed with one of its allowed exit codes as allowed to fail.
        #expect(Self.job(result, "exit-code")?.allowFailure == true)
        #expect(result.status == .failed)
    }

    @Test func variablePrecedenceAndMasking() async throws {
        let run = try await Run(
            """
            variables:
              GLOBAL: global
              A: global
              B: global
              C: global
              REF: "$CI_COMMIT_REF_NAME-$GLOBAL"
              LITERAL:
                value: "$GLOBAL"
                expand: false
            job:
              variables: {A: job, B: job, C: job}
              rules:
                - if: $CI_COMMIT_BRANCH
                  variables: {B: rule, C: rule}
              script:
                - echo "A=$A B=$B C=$C REF=$REF LITERAL=$LITERAL CI_PIPELINE_SOURCE=$CI_PIPELINE_SOURCE"
                - echo "token $DEPLOY_TOKEN"
                - cat "$KUBE_FILE"
            """, variables: ["C": "pipeline"])
        defer { run.repository.remove() }
        let result = try await run.run { context, options in
            context.projectVariables = [
                GitLabVariable(name: "DEPLOY_TOKEN", value: "s3cr3t-value"),
                GitLabVariable(name: "KUBE_FILE", value: "file-content", isFile: true),
            ]
            options.maskedValues = ["s3cr3t-value"]
        }
        let log = try #require(Self.job(result, "job")?.log)
        #expect(log.contains("A=job B=rule C=pipeline REF=main-global LITERAL=$GLOBAL CI_PIPELINE_SOURCE=push"), "\(log)")
        #expect(log.contains("token ***"))
        #expect(!log.contains { $0.contains("s3cr3t-value") })
        #expect(log.contains("file-content"))
    }

    @Test func manualJobsWaitUntilPlayed() async throws {
        let run = try await Run(
            """
            stages: [deploy, verify, promote, cleanup]
            deploy:
              stage: deploy
              script: [echo deploy]
            verify:
              stage: verify
              script: [echo verify]
            promote:
              stage: promote
              script: [echo promote]
              rules:
                - when: manual
            optional-report:
              stage: promote
              script: [echo report]
              when: manual
            cleanup:
              stage: cleanup
              script: [echo cleanup]
            """)
        defer { run.repository.remove() }
        let waiting = try await run.run()
        #expect(waiting.status == .manual)
        #expect(Self.job(waiting, "promote")?.status == .manual)
        #expect(Self.job(waiting, "optional-report")?.status == .manual)
        #expect(Self.job(waiting, "optional-report")?.allowFailure == true)
        #expect(Self.job(waiting, "cleanup")?.status == .created)
        let played = try await run.run { _, options in options.play = ["promote"] }
        #expect(played.status == .success)
        #expect(Self.job(played, "promote")?.status == .success)
        #expect(Self.job(played, "cleanup")?.status == .success)
        #expect(Self.job(played, "optional-report")?.status == .manual)
    }

    @Test func cachesCarryBetweenPipelines() async throws {
        let run = try await Run(
            """
            job:
              cache:
                key: deps-$CI_COMMIT_REF_SLUG
                paths: [vendor/]
              script:
                - if [ -f vendor/lib.txt ]; then echo "cache hit $(cat vendor/lib.txt)"; else mkdir -p vendor && echo v1 > vendor/lib.txt && echo "cache miss"; fi
            """)
        defer { run.repository.remove() }
        let first = try await run.run()
        #expect(Self.job(first, "job")?.log.contains("cache miss") == true)
        let second = try await run.run()
        #expect(Self.job(second, "job")?.log.contains("cache hit v1") == true)
    }

    /// `retry: exit_codes` retries only those exit codes; `retry: when` other failures.
    @Test func retriesOnlyTheExitCodesNamed() async throws {
        let counters = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-retry-codes-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: counters, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: counters) }
        let run = try await Run(
            """
            killed:
              retry:
                max: 2
                exit_codes: [137]
              script:
                - echo x >> "$COUNTERS/killed"
                - if [ "$(wc -l < "$COUNTERS/killed")" -lt 3 ]; then exit 137; fi
            broken:
              retry:
                max: 2
                exit_codes: [137]
              script: [exit 1]
            """, variables: ["COUNTERS": counters])
        defer { run.repository.remove() }
        let result = try await run.run()
        #expect(Self.job(result, "killed")?.status == .success)
        #expect(Self.job(result, "killed")?.attempts == 3)
        #expect(Self.job(result, "broken")?.status == .failed)
        #expect(Self.job(result, "broken")?.attempts == 1, "exit 1 is not among the codes to retry")
    }

    /// `cache: key: files:` names the cache by the files' contents (a new lock file, a new cache); `fallback_keys` are
    /// tried, in order, when the key has no cache yet.
    @Test func cacheKeysFromFilesAndFallbackKeys() async throws {
        let script =
            "if [ -f vendor/lib.txt ]; then echo \"cache hit $(cat vendor/lib.txt)\"; else mkdir -p vendor && echo \"$LIB\" > vendor/lib.txt && echo \"cache miss\"; fi"
        let run = try await Run(
            """
            by-lock:
              cache:
                key:
                  files: [lock.txt]
                paths: [vendor/]
              script:
                - \(script)
            by-branch:
              cache:
                key: branch-$CI_COMMIT_REF_SLUG
                fallback_keys: [branch-main]
                paths: [vendor/]
              script:
                - \(script)
            """, variables: ["LIB": "v1"])
        defer { run.repository.remove() }
        try run.repository.write("lock.txt", "lib 1\n")
        try run.repository.commitAll("lock")
        let first = try await run.run()
        #expect(Self.job(first, "by-lock")?.log.contains("cache miss") == true)
        #expect(Self.job(first, "by-branch")?.log.contains("cache miss") == true)
        let again = try await run.run()
        #expect(Self.job(again, "by-lock")?.log.contains("cache hit v1") == true)
        // Another branch has no cache of its own: the fallback key's is used.
        let feature = try await run.run { context, _ in context.ref = "feature" }
        #expect(Self.job(feature, "by-branch")?.log.contains("cache hit v1") == true, "\(Self.job(feature, "by-branch")?.log ?? [])")
        // A new lock file: a new key, so no cache.
        try run.repository.write("lock.txt", "lib 2\n")
        try run.repository.commitAll("new lock")
        let relockedCommit = try run.repository.head()
        // Every job so far ran in a worktree of its commit, never in the repository's working tree, and Slipway's
        // state in the repository is not part of the new commit.
        for result in [first, again, feature] {
            for job in result.jobs { #expect(job.log.contains { $0.hasPrefix("Workspace: a fresh worktree of") }, "\(job.log)") }
        }
        #expect(
            try run.repository.output(["ls-tree", "-r", "--name-only", "HEAD"]).split(separator: "\n") == [".gitlab-ci.yml", "lock.txt"])
        let relocked = try await run.run { context, _ in context.sha = relockedCommit }
        let log = Self.job(relocked, "by-lock")?.log ?? []
        #expect(log.contains { $0.contains("worktree of \(relockedCommit.prefix(8))") }, "\(log)")
        #expect(log.contains("cache miss"), "\(log)")
    }

    /// Jobs that start together each get a worktree (their `git worktree add` never collide), clean of the others'
    /// files, and Slipway's state in the repository stays out of git.
    @Test func parallelJobsEachGetTheirOwnWorktree() async throws {
        let jobs = (1...6).map { "job\($0):\n  script: [pwd, touch mine-$CI_JOB_NAME, ls]\n" }.joined()
        let run = try await Run(jobs)
        defer { run.repository.remove() }
        let result = try await run.run()
        #expect(result.status == .success, "\(result.jobs.map { ($0.name, $0.log) })")
        // A finished job's worktree is cleaned and handed to the next (as a runner's build directory is).
        for job in result.jobs {
            #expect(job.log.contains { $0.hasPrefix(run.repository.path + "/.slipway/gitlab/builds/") }, "\(job.log)")
            #expect(job.log.contains { $0.hasPrefix("Workspace: a fresh worktree of") }, "\(job.log)")
            #expect(job.log.filter { $0.hasPrefix("mine-") } == ["mine-\(job.name)"], "a job sees only its own files: \(job.log)")
        }
        #expect(FileManager.default.fileExists(atPath: run.repository.path + "/.slipway/.gitignore"))
        #expect(try run.repository.output(["status", "--porcelain"]).isEmpty, "Slipway's state is ignored by git")
    }

    @Test func resourceGroupsRunOneJobAtATimeAndDelayedJobsWait() async throws {
        // Each job of the group marks itself running for a second and fails if it sees the other running meanwhile.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-group-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let window = """
                - touch "$MARKS/running-$CI_JOB_NAME"
                - for i in $(seq 1 20); do for f in "$MARKS"/running-*; do [ "$f" = "$MARKS/running-$CI_JOB_NAME" ] || exit 9; done; sleep 0.05; done
                - rm "$MARKS/running-$CI_JOB_NAME"
            """
        let run = try await Run(
            """
            deploy-a:
              stage: build
              resource_group: production
              script:
            \(window)
            deploy-b:
              stage: build
              resource_group: production
              script:
            \(window)
            later:
              stage: deploy
              when: delayed
              start_in: 1 second
              script: [echo later]
            """, variables: ["MARKS": directory])
        defer { run.repository.remove() }
        let result = try await run.run()
        #expect(result.status == .success, "\(result.jobs.map { ($0.name, $0.status, $0.log) })")
        let a = try #require(Self.job(result, "deploy-a"))
        let b = try #require(Self.job(result, "deploy-b"))
        let later = try #require(Self.job(result, "later"))
        let firstEnd = max(a.startedAt ?? .distantPast, b.startedAt ?? .distantPast)
        #expect(later.status == .success)
        // The delayed job starts no sooner than start_in after its stage was ready.
        #expect((later.startedAt ?? .distantPast).timeIntervalSince(firstEnd) >= 0.9)
    }
}
