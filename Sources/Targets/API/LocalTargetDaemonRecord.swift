import Core
import Foundation
import Manifests

/// `<data>/api.json`: where a running daemon's API listens, its pid and the bridge it built. Written once the target
/// serves; removed when the daemon stops. A record whose process is gone is a daemon that died (`kill -9`, a crash):
/// clients say so at once instead of retrying its port, and `local up`/`down` clean up what it left.
public struct LocalTargetDaemonRecord: Sendable, Hashable {
    public var port: Int
    public var pid: Int32
    public var bridge: String?
    public var subnet: String?
    /// The port of the same API over TLS (with the certificate authority in `<data>/tls/ca.pem`).
    public var tlsPort: Int?

    public init(port: Int, pid: Int32, bridge: String?, subnet: String?, tlsPort: Int? = nil) {
        self.port = port
        self.pid = pid
        self.bridge = bridge
        self.subnet = subnet
        self.tlsPort = tlsPort
    }

    static func path(_ dataDirectory: String) -> String { "\(dataDirectory)/api.json" }

    /// The record in `dataDirectory`, or nil when there is none (or it cannot be read).
    public static func read(_ dataDirectory: String) -> LocalTargetDaemonRecord? {
        guard let data = FileManager.default.contents(atPath: path(dataDirectory)), let info = try? ManifestValue(json: data),
            let port = info["port"]?.int
        else { return nil }
        return LocalTargetDaemonRecord(
            port: port, pid: Int32(info["pid"]?.int ?? 0), bridge: info["bridge"]?.string, subnet: info["subnet"]?.string,
            tlsPort: info["tlsPort"]?.int)
    }

    func write(_ dataDirectory: String) throws {
        var fields: [String: ManifestValue] = ["port": .int(port), "pid": .int(Int(pid))]
        if let bridge { fields["bridge"] = .string(bridge) }
        if let subnet { fields["subnet"] = .string(subnet) }
        if let tlsPort { fields["tlsPort"] = .int(tlsPort) }
        try AtomicFile.write(Data(ManifestValue.object(fields).jsonText.utf8), to: Self.path(dataDirectory))
    }

    /// Whether the daemon that wrote this record still runs (a zombie counts as gone).
    public var isAlive: Bool { pid > 0 && ProcessLiveness.isAlive(pid) }
}
