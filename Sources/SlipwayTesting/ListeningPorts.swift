import Core
import Foundation

/// The TCP ports a process listens on, read from `/proc` (its socket descriptors matched against the kernel's table),
/// for servers a test starts on port 0 that do not say which port they got.
public enum ListeningPorts {
    public struct NotListening: Error, CustomStringConvertible {
        public var description: String
    }

    public static func of(_ pid: pid_t) -> [Int] {
        var inodes: Set<String> = []
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? [] {
            guard let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(entry)"),
                link.hasPrefix("socket:[")
            else { continue }
            inodes.insert(String(link.dropFirst("socket:[".count).dropLast()))
        }
        var ports: [Int] = []
        for table in ["tcp", "tcp6"] {
            let text = ProcFile.text("/proc/\(pid)/net/\(table)") ?? ""
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                guard fields.count > 9, fields[3] == "0A", inodes.contains(String(fields[9])),
                    let hex = fields[1].split(separator: ":").last, let port = Int(hex, radix: 16)
                else { continue }
                if !ports.contains(port) { ports.append(port) }
            }
        }
        return ports.sorted()
    }

    /// The first port `pid` listens on, once it listens (within `timeout`).
    public static func first(of pid: pid_t, within timeout: Duration = .seconds(30)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let port = of(pid).first { return port }
            guard kill(pid, 0) == 0 else { throw NotListening(description: "process \(pid) ended before it listened") }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw NotListening(description: "process \(pid) did not listen within \(timeout)")
    }
}
