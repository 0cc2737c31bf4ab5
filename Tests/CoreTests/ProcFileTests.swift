import Foundation
import Testing

@testable import Core

@Suite struct ProcFileTests {
    /// Listening sockets on 127.0.0.1, port 0; answers their descriptors and the ports the kernel chose.
    func listeners(_ count: Int) throws -> [(descriptor: Int32, port: Int)] {
        var opened: [(Int32, Int)] = []
        for _ in 0..<count {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            try #require(descriptor >= 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                    bind(descriptor, address, length) == 0 && listen(descriptor, 1) == 0
                        && getsockname(descriptor, address, &length) == 0
                }
            }
            try #require(bound)
            opened.append((descriptor, Int(UInt16(bigEndian: address.sin_port))))
        }
        return opened
    }

    /// A socket table longer than a page: Foundation's String(contentsOfFile:) stops after the first page there
    /// (the kernel reports a size of 0), so a port listed after it went unseen.
    @Test func aSocketTableIsReadToItsEnd() throws {
        let opened = try listeners(120)
        defer { for (descriptor, _) in opened { close(descriptor) } }
        let table = try #require(ProcFile.text("/proc/self/net/tcp"))
        #expect(table.utf8.count > 120 * 100, "the table holds a line per socket")
        let listed = Set(
            table.split(separator: "\n").dropFirst().compactMap { line -> Int? in
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                guard fields.count > 3, fields[3] == "0A", let hex = fields[1].split(separator: ":").last else { return nil }
                return Int(hex, radix: 16)
            })
        let missing = opened.map(\.port).filter { !listed.contains($0) }
        #expect(missing.isEmpty, "ports not in the table: \(missing)")
    }

    @Test func aFileThatDoesNotExistIsNil() {
        #expect(ProcFile.text("/proc/self/no-such-file") == nil)
        #expect(ProcFile.bytes("/proc/self/cmdline")?.isEmpty == false)
    }
}
