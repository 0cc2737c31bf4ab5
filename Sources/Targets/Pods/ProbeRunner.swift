import AsyncHTTPClient
import Core
import Foundation
import NIOCore
import NIOHTTP1
import TargetKit

/// Runs one probe against a pod, as the kubelet does: HTTP GET (2xx and 3xx succeed), TCP connect, or a command
/// inside the container's namespaces (exit 0 succeeds), each within `timeoutSeconds`.
struct ProbeRunner: Sendable {
    var address: IPv4Address
    var container: ContainerSpec

    func check(_ probe: Probe, processes: PodSandbox.Processes) async -> Bool {
        let timeout = Duration.seconds(probe.timeoutSeconds)
        switch probe.handler {
        case .httpGet(let path, let port, _, let headers):
            guard let number = container.resolve(port) else { return false }
            var request = HTTPClientRequest(url: "http://\(address):\(number)\(path.hasPrefix("/") ? path : "/" + path)")
            request.headers.add(name: "User-Agent", value: "kube-probe/1.31")
            request.headers.add(name: "Connection", value: "close")
            for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
            do {
                let response = try await HTTPClient.shared.execute(
                    request, timeout: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000))
                _ = try? await response.body.collect(upTo: 10 << 10)
                return (200..<400).contains(Int(response.status.code))
            } catch {
                return false
            }
        case .tcpSocket(let port):
            guard let number = container.resolve(port) else { return false }
            return TCPConnect.succeeds(host: address.description, port: number, timeout: timeout)
        case .exec(let command):
            let arguments =
                ["--target", String(processes.container), "--mount", "--uts", "--ipc", "--net", "--pid", "--root", "--wd", "--"] + command
            let result = try? await CapturedCommand.run("nsenter", arguments, timeout: timeout)
            return result?.succeeded ?? false
        }
    }
}

/// A blocking TCP connect with a deadline (probes and readiness checks; a few per second at most).
enum TCPConnect {
    static func succeeds(host: String, port: Int, timeout: Duration) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { return false }
        let started = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if started == 0 { return true }
        guard errno == EINPROGRESS else { return false }
        var poller = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
        let milliseconds = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        guard poll(&poller, 1, milliseconds) == 1 else { return false }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length)
        return error == 0
    }
}
