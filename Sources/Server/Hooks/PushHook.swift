import Foundation

/// The `post-receive` hook the server installs in a repository on this machine, so that a `git push` to it is seen at
/// once: it runs `slipway server notify`, which tells the server (found through its `server.json`) to look at the
/// project now. A hook someone else wrote is left alone (polling still sees the pushes).
struct PushHook {
    static let marker = "# slipway-server-hook"

    /// The hooks directory of a local repository (bare or not); nil for a URL or a path that is no repository.
    static func hooksDirectory(of repository: String) -> String? {
        guard repository.hasPrefix("/") else { return nil }
        let manager = FileManager.default
        if manager.fileExists(atPath: repository + "/.git/HEAD") { return repository + "/.git/hooks" }
        if manager.fileExists(atPath: repository + "/HEAD"), manager.fileExists(atPath: repository + "/objects") {
            return repository + "/hooks"
        }
        return nil
    }

    /// Writes the hook (mode 0700: it holds the project's hook token); answers why not when it cannot.
    static func install(
        in repository: String, executable: String, dataDirectory: String, projectId: Int64, token: String
    ) -> String? {
        guard let hooks = hooksDirectory(of: repository) else { return "not a local repository" }
        let path = hooks + "/post-receive"
        if let existing = try? String(contentsOfFile: path, encoding: .utf8), !existing.contains(marker) {
            return "\(path) exists and is not Slipway's: left alone (pushes are seen at the next poll)"
        }
        let script = """
            #!/bin/sh
            \(marker): tells slipway server about every push to this repository. Rewritten when the project is added again.
            cat >/dev/null
            SLIPWAY_HOOK_TOKEN='\(token)' exec \(quoted(executable)) server notify --data-dir \(quoted(dataDirectory)) --project \(projectId)

            """
        do {
            try FileManager.default.createDirectory(atPath: hooks, withIntermediateDirectories: true)
            let temporary = path + ".slipway-\(UUID().uuidString.prefix(8))"
            guard FileManager.default.createFile(atPath: temporary, contents: Data(script.utf8), attributes: [.posixPermissions: 0o700])
            else {
                return "cannot write \(path)"
            }
            guard rename(temporary, path) == 0 else {
                try? FileManager.default.removeItem(atPath: temporary)
                return "cannot write \(path)"
            }
            return nil
        } catch {
            return "cannot write \(path): \(error)"
        }
    }

    /// A shell word for `text`.
    static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
