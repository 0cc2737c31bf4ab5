import ArgumentParser
import Foundation
import GitLabCI

/// `slipway gitlab lint`: checks `.gitlab-ci.yml` (and what it includes) with GitLab's messages.
struct GitLabLintCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check .gitlab-ci.yml: every mistake with GitLab's message at file:line:column (exit status 2)."
    )

    @OptionGroup var files: GitLabFileOptions

    func run() async throws {
        let config = try await files.load()
        for note in config.advice { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
        print("\(files.file) is valid: \(config.jobs.count) job(s) in stages \(config.stages.joined(separator: ", "))")
    }
}
