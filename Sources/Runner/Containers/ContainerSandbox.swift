import Core
import Foundation
import Glibc

/// Runs a process inside an unpacked image under bubblewrap, as a container job's steps and services run: the
/// image's root filesystem (the job's own copy, writable), this machine's network, the job's workspace and runner
/// directories at the paths the job's environment names, and root inside (the default user of a job container).
public struct ContainerSandbox: Sendable {
    let rootfs: String
    /// Host directories visible inside at the same path (workspace, runner temp, step scripts and command files).
    let sharedPaths: [String]
    let volumes: [Volume]
    /// Replaces the image's /etc/hosts (service names → 127.0.0.1), when there are services.
    let hostsFile: String?

    /// A sandbox over an unpacked image with `sharedPaths` of this machine visible at the same paths inside.
    public init(rootfs: String, sharedPaths: [String]) {
        self.init(rootfs: rootfs, sharedPaths: sharedPaths, volumes: [], hostsFile: nil)
    }

    init(rootfs: String, sharedPaths: [String], volumes: [Volume], hostsFile: String?) {
        self.rootfs = rootfs
        self.sharedPaths = sharedPaths
        self.volumes = volumes
        self.hostsFile = hostsFile
    }

    /// The bwrap command line that runs `executable arguments` in `workingDirectory` inside the image.
    public func command(_ executable: String, _ arguments: [String], workingDirectory: String, bubblewrap: String) -> (String, [String]) {
        var args = ["--bind", rootfs, "/", "--dev", "/dev", "--proc", "/proc", "--die-with-parent", "--unshare-pid", "--unshare-ipc"]
        if getuid() != 0 { args += ["--unshare-user", "--uid", "0", "--gid", "0"] }
        for path in sharedPaths where FileManager.default.fileExists(atPath: path) { args += ["--bind", path, path] }
        for volume in volumes { args += [volume.readOnly ? "--ro-bind" : "--bind", volume.host, volume.container] }
        if FileManager.default.fileExists(atPath: "/etc/resolv.conf") { args += ["--ro-bind", "/etc/resolv.conf", "/etc/resolv.conf"] }
        if let hostsFile { args += ["--ro-bind", hostsFile, "/etc/hosts"] }
        args += ["--chdir", workingDirectory, "--", executable] + arguments
        return (bubblewrap, args)
    }

    /// A `volumes:` entry: a directory of this machine seen inside at `container`.
    struct Volume: Sendable {
        var host: String
        var container: String
        var readOnly: Bool
    }

    /// The shell a container step uses by default: bash when the image has it, else sh (as GitHub's runner does).
    public var defaultShell: String {
        ["/bin/bash", "/usr/bin/bash"].contains { FileManager.default.fileExists(atPath: rootfs + $0) } ? "bash" : "sh"
    }
}
