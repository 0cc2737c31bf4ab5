import Foundation
import OCI

/// A minimal root filesystem made of the host's static busybox (Debian busybox-static): the base image of
/// `slipway up`'s demo application, and of the tests' images, builds and pods.
public enum BusyboxRoot {
    public static let applets = [
        "sh", "cat", "echo", "mkdir", "printf", "chmod", "id", "wc", "ls", "rm", "touch", "head", "dd", "seq", "httpd", "sleep", "kill",
        "env", "grep", "nc", "wget", "date", "tr",
    ]

    /// The host's static busybox, or nil when busybox-static is not installed.
    public static var executable: String? {
        ["/usr/bin/busybox", "/bin/busybox"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    public struct NotInstalled: Error, CustomStringConvertible {
        public var description: String { "busybox is not installed (Debian busybox-static; scripts/setup installs it)" }
    }

    /// Creates `path` with /bin/busybox and its applets, /etc/passwd and /etc/group (root, nonroot 65532) and a
    /// 1777 /tmp; returns `path`.
    @discardableResult
    public static func make(at path: String) throws -> String {
        guard let executable else { throw NotInstalled() }
        let fm = FileManager.default
        for sub in ["bin", "etc", "tmp"] { try fm.createDirectory(atPath: "\(path)/\(sub)", withIntermediateDirectories: true) }
        try fm.copyItem(atPath: executable, toPath: "\(path)/bin/busybox")
        for applet in applets { try fm.createSymbolicLink(atPath: "\(path)/bin/\(applet)", withDestinationPath: "busybox") }
        chmod("\(path)/tmp", 0o1777)
        try "root:x:0:0:root:/root:/bin/sh\nnonroot:x:65532:65532:nonroot:/home/nonroot:/bin/sh\n".write(
            toFile: "\(path)/etc/passwd", atomically: true, encoding: .utf8)
        try "root:x:0:\nnonroot:x:65532:\n".write(toFile: "\(path)/etc/group", atomically: true, encoding: .utf8)
        return path
    }
}
