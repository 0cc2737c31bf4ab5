import Foundation

/// Slipway's state inside a repository (`.slipway/`: worktrees, caches, artifacts, the run store) is never part of it:
/// the directory carries a `.gitignore` of `*`, so `git status` does not list it and `git add -A` does not commit it —
/// a commit made after a run would otherwise carry the run's caches and workspaces.
public enum IgnoredStateDirectory {
    /// Creates `directory` if needed and writes its `.gitignore` when it has none.
    public static func prepare(_ directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let marker = directory + "/.gitignore"
        guard !FileManager.default.fileExists(atPath: marker) else { return }
        try AtomicFile.write(Data("# Slipway's state for this repository: not part of it.\n*\n".utf8), to: marker)
    }
}
