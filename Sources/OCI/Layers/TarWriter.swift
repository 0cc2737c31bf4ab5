import CDispatch
import Glibc

/// Writes a POSIX (ustar + PAX) tar stream to a sink, for layers: fixed, empty user and group names, no atime or
/// ctime, so the same files always give the same bytes.
public struct TarWriter {
    private let sink: (UnsafeRawBufferPointer) throws -> Void
    private var pendingPadding = 0

    public init(sink: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        self.sink = sink
    }

    /// Writes the header of `entry`; a regular file's `size` bytes must follow through `writeContent`.
    public mutating func writeHeader(_ entry: TarEntry) throws {
        try finishContent()
        var pax: [(String, String)] = []
        var name = entry.path
        if entry.kind == .directory, !name.hasSuffix("/") { name += "/" }
        var prefix = ""
        if name.utf8.count > 100 {
            if let split = TarWriter.splitName(name) {
                prefix = split.0
                name = split.1
            } else {
                pax.append(("path", name))
                name = String(decoding: name.utf8.prefix(100), as: UTF8.self)
            }
        }
        var linkName = entry.linkName
        if linkName.utf8.count > 100 {
            pax.append(("linkpath", linkName))
            linkName = String(decoding: linkName.utf8.prefix(100), as: UTF8.self)
        }
        if entry.size > 0o77777777777 { pax.append(("size", String(entry.size))) }
        if entry.uid > 0o7777777 { pax.append(("uid", String(entry.uid))) }
        if entry.gid > 0o7777777 { pax.append(("gid", String(entry.gid))) }
        for key in entry.xattrs.keys.sorted() {
            pax.append(("SCHILY.xattr.\(key)", String(decoding: entry.xattrs[key] ?? [], as: UTF8.self)))
        }
        if !pax.isEmpty {
            var body: [UInt8] = []
            for (key, value) in pax {
                let record = " \(key)=\(value)\n"
                var length = record.utf8.count + 1
                while String(length).utf8.count + record.utf8.count != length { length += 1 }
                body += Array("\(length)\(record)".utf8)
            }
            var paxHeader = TarEntry(path: "PaxHeaders/" + String(entry.path.split(separator: "/").last ?? ""), kind: .file, mode: 0o644)
            paxHeader.size = Int64(body.count)
            try emit(
                TarWriter.header(paxHeader, name: String(paxHeader.path.prefix(100)), prefix: "", linkName: "", typeFlag: UInt8(ascii: "x"))
            )
            try emit(body)
            pendingPadding = (512 - body.count % 512) % 512
            try finishContent()
        }
        let typeFlag: UInt8
        switch entry.kind {
        case .file: typeFlag = UInt8(ascii: "0")
        case .directory: typeFlag = UInt8(ascii: "5")
        case .symlink: typeFlag = UInt8(ascii: "2")
        case .hardlink: typeFlag = UInt8(ascii: "1")
        case .characterDevice: typeFlag = UInt8(ascii: "3")
        case .blockDevice: typeFlag = UInt8(ascii: "4")
        case .fifo: typeFlag = UInt8(ascii: "6")
        }
        try emit(TarWriter.header(entry, name: name, prefix: prefix, linkName: linkName, typeFlag: typeFlag))
        pendingPadding = entry.kind == .file ? Int((512 - entry.size % 512) % 512) : 0
    }

    public func writeContent(_ bytes: [UInt8]) throws { try emit(bytes) }

    public func writeContent(_ buffer: UnsafeRawBufferPointer) throws { try sink(buffer) }

    /// Pads the last file's content to a 512-byte block.
    public mutating func finishContent() throws {
        if pendingPadding > 0 { try emit([UInt8](repeating: 0, count: pendingPadding)) }
        pendingPadding = 0
    }

    /// Two zero blocks end the archive.
    public mutating func finish() throws {
        try finishContent()
        try emit([UInt8](repeating: 0, count: 1024))
    }

    private func emit(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try sink($0) } }

    static func splitName(_ name: String) -> (String, String)? {
        let bytes = Array(name.utf8)
        guard bytes.count <= 256 else { return nil }
        var index = bytes.count - 1
        while index > 0 {
            if bytes[index] == UInt8(ascii: "/"), index <= 155, bytes.count - index - 1 <= 100, bytes.count - index - 1 > 0 {
                return (String(decoding: bytes[..<index], as: UTF8.self), String(decoding: bytes[(index + 1)...], as: UTF8.self))
            }
            index -= 1
        }
        return nil
    }

    static func header(_ entry: TarEntry, name: String, prefix: String, linkName: String, typeFlag: UInt8) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int, length: Int) {
            for (i, byte) in text.utf8.prefix(length).enumerated() { block[offset + i] = byte }
        }
        func octal(_ value: Int64, at offset: Int, length: Int) {
            let digits = String(max(0, value), radix: 8)
            let clipped = digits.utf8.count > length - 1 ? String(repeating: "7", count: length - 1) : digits
            put(String(repeating: "0", count: length - 1 - clipped.utf8.count) + clipped, at: offset, length: length - 1)
        }
        put(name, at: 0, length: 100)
        octal(Int64(entry.mode & 0o7777), at: 100, length: 8)
        octal(Int64(entry.uid), at: 108, length: 8)
        octal(Int64(entry.gid), at: 116, length: 8)
        octal(entry.kind == .file || typeFlag == UInt8(ascii: "x") ? entry.size : 0, at: 124, length: 12)
        octal(entry.modificationTime, at: 136, length: 12)
        block[156] = typeFlag
        put(linkName, at: 157, length: 100)
        put("ustar", at: 257, length: 6)
        put("00", at: 263, length: 2)
        if entry.kind == .characterDevice || entry.kind == .blockDevice {
            octal(Int64(entry.deviceMajor), at: 329, length: 8)
            octal(Int64(entry.deviceMinor), at: 337, length: 8)
        }
        put(prefix, at: 345, length: 155)
        for i in 148..<156 { block[i] = 32 }
        let checksum = block.reduce(0) { $0 + Int($1) }
        let text = String(checksum, radix: 8)
        put(String(repeating: "0", count: 6 - text.utf8.count) + text, at: 148, length: 6)
        block[154] = 0
        block[155] = 32
        return block
    }
}
