import Foundation
import Synchronization

/// A TCP proxy on 127.0.0.1 in front of a registry that breaks connections: once `cutAfter` bytes have gone up
/// (an upload) or down (a download) on one connection, it resets that connection — `cuts` times, then it forwards
/// faithfully. It also notes whether a client sent a `Range` request, i.e. resumed a download.
final class FlakyProxy: Sendable {
    enum Direction: Sendable { case upload, download }

    struct Counters {
        var remainingCuts: Int
        var cutsMade = 0
        var sawRangeRequest = false
    }

    let port: Int
    let upstreamPort: Int
    let direction: Direction
    let cutAfter: Int
    private let listener: Int32
    private let counters: Mutex<Counters>

    var cutsMade: Int { counters.withLock { $0.cutsMade } }
    var sawRangeRequest: Bool { counters.withLock { $0.sawRangeRequest } }

    init(upstreamPort: Int, direction: Direction, cutAfter: Int, cuts: Int) throws {
        self.upstreamPort = upstreamPort
        self.direction = direction
        self.cutAfter = cutAfter
        counters = Mutex(Counters(remainingCuts: cuts))
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = FlakyProxy.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 64) == 0 else {
            close(descriptor)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        listener = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// Stops accepting; connections in flight end with their peers.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { return }
            let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = FlakyProxy.loopback(port: upstreamPort)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else {
                close(client)
                close(upstream)
                continue
            }
            let finished = Mutex(0)
            let connection = (client: client, upstream: upstream)
            let done: @Sendable () -> Void = {
                if finished.withLock({ value in
                    value += 1
                    return value
                }) == 2 {
                    close(connection.client)
                    close(connection.upstream)
                }
            }
            Thread.detachNewThread { [self] in
                pump(from: client, to: upstream, counted: direction == .upload, connection: connection)
                done()
            }
            Thread.detachNewThread { [self] in
                pump(from: upstream, to: client, counted: direction == .download, connection: connection)
                done()
            }
        }
    }

    private func pump(from source: Int32, to destination: Int32, counted: Bool, connection: (client: Int32, upstream: Int32)) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var total = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            if source == connection.client,
                String(decoding: buffer[0..<min(count, 4096)], as: UTF8.self).lowercased().contains("\r\nrange: bytes=")
            {
                counters.withLock { $0.sawRangeRequest = true }
            }
            var sent = 0
            var limit = count
            var cutNow = false
            if counted, total + count > cutAfter,
                counters.withLock({ counters in
                    guard counters.remainingCuts > 0 else { return false }
                    counters.remainingCuts -= 1
                    counters.cutsMade += 1
                    return true
                })
            {
                limit = max(0, cutAfter - total)
                cutNow = true
            }
            while sent < limit {
                let written = buffer.withUnsafeBytes { send(destination, $0.baseAddress! + sent, limit - sent, Int32(MSG_NOSIGNAL)) }
                if written <= 0 { break }
                sent += written
            }
            total += count
            if cutNow {
                // An abrupt reset on both sides, as a dropped network path looks to client and server.
                var linger = linger(l_onoff: 1, l_linger: 0)
                setsockopt(connection.client, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
                shutdown(connection.client, Int32(SHUT_RDWR))
                shutdown(connection.upstream, Int32(SHUT_RDWR))
                return
            }
        }
        shutdown(destination, Int32(SHUT_WR))
    }
}
