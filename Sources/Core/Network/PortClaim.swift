import Foundation

/// Checks, before a server starts, that nothing else listens on a port it is about to bind — so a start fails at once
/// and says who holds the port, instead of sharing it (`SO_REUSEPORT` would split connections between the two) or
/// failing deep inside a helper.
public enum PortClaim {
    public struct InUse: Error, Sendable, CustomStringConvertible, Equatable {
        public var port: Int
        public var purpose: String
        /// "python3 (pid 1234)" when the holder can be seen in /proc.
        public var holder: String?

        public var description: String {
            "port \(port) (\(purpose)) is already in use" + (holder.map { " by \($0)" } ?? "")
                + "; stop that process or choose another port"
        }
    }

    /// Throws `InUse` when `port` on `host` cannot be bound exclusively now. Port 0 (the kernel chooses) always passes.
    public static func check(_ port: Int, host: String = "127.0.0.1", purpose: String) throws(InUse) {
        guard port > 0 else { return }
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        // SO_REUSEADDR only lets a port in TIME_WAIT be taken again; a listener still refuses the bind.
        var one: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { return }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if bound != 0 && errno == EADDRINUSE {
            throw InUse(port: port, purpose: purpose, holder: holder(of: port))
        }
    }

    /// The process listening on TCP `port`, as "name (pid N)", when /proc shows it.
    public static func holder(of port: Int) -> String? {
        var inodes: Set<String> = []
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            let text = ProcFile.text(table) ?? ""
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                guard fields.count > 9, fields[3] == "0A", let hex = fields[1].split(separator: ":").last,
                    Int(hex, radix: 16) == port
                else { continue }
                inodes.insert("socket:[\(fields[9])]")
            }
        }
        guard !inodes.isEmpty else { return nil }
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry) else { continue }
            for descriptor in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? [] {
                guard let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(descriptor)"),
                    inodes.contains(link)
                else { continue }
                let name = (ProcFile.text("/proc/\(pid)/comm") ?? "?").trimmingCharacters(in: .whitespacesAndNewlines)
                return "\(name) (pid \(pid))"
            }
        }
        return nil
    }
}
