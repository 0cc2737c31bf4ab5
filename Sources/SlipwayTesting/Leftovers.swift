import Foundation

/// What a test's processes left behind on the host.
public enum Leftovers {
    /// Processes whose command line mentions `text` (a test's private directory), as "PID: command".
    public static func processes(mentioning text: String) -> [String] {
        var found: [String] = []
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where Int(entry) != nil {
            guard let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { continue }
            let command = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            if command.contains(text) { found.append("\(entry): \(command.prefix(120))") }
        }
        return found
    }

    /// Mount points of this mount namespace under `path`.
    public static func mounts(under path: String) -> [String] {
        let table = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
        return table.split(separator: "\n").filter { $0.contains(path) }.map(String.init)
    }
}
