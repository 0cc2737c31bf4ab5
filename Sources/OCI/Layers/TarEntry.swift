import CDispatch
import Glibc

/// One entry of a layer tar.
public struct TarEntry: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case file, directory, symlink, hardlink, characterDevice, blockDevice, fifo
    }

    /// Relative path without a leading `/` (directories without a trailing one).
    public var path: String
    public var kind: Kind
    public var mode: UInt32
    public var uid: Int
    public var gid: Int
    public var size: Int64
    /// Seconds since 1970.
    public var modificationTime: Int64
    public var linkName: String
    public var deviceMajor: UInt32 = 0
    public var deviceMinor: UInt32 = 0
    /// Extended attributes (`SCHILY.xattr.*`), such as `security.capability`.
    public var xattrs: [String: [UInt8]] = [:]

    public init(
        path: String, kind: Kind, mode: UInt32, uid: Int = 0, gid: Int = 0, size: Int64 = 0, modificationTime: Int64 = 0,
        linkName: String = ""
    ) {
        self.path = path
        self.kind = kind
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.size = size
        self.modificationTime = modificationTime
        self.linkName = linkName
    }

    /// Whiteout prefix of the OCI layer format.
    public static let whiteoutPrefix = ".wh."
    public static let opaqueWhiteout = ".wh..wh..opq"
}
