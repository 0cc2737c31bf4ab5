import CDispatch
import Glibc

/// Reads a tar stream pushed to it in chunks of any size (ustar, GNU long names, PAX), calling back per entry.
public final class TarReader {
    /// Called with each entry's header, then zero or more content chunks, then `end`.
    public struct Callbacks {
        public var begin: (TarEntry) throws -> Void
        public var content: (UnsafeRawBufferPointer) throws -> Void
        public var end: () throws -> Void

        public init(
            begin: @escaping (TarEntry) throws -> Void, content: @escaping (UnsafeRawBufferPointer) throws -> Void,
            end: @escaping () throws -> Void
        ) {
            self.begin = begin
            self.content = content
            self.end = end
        }
    }

    private enum State {
        case header
        case content(remaining: Int64, padding: Int)
        case meta(kind: UInt8, remaining: Int, padding: Int)
        case padding(Int)
        case finished
    }

    private var state = State.header
    private var headerBuffer: [UInt8] = []
    private var metaBuffer: [UInt8] = []
    private var paxOverrides: [String: String] = [:]
    private var globalPax: [String: String] = [:]
    private var longName: String?
    private var longLink: String?
    private let callbacks: Callbacks
    public private(set) var sawEnd = false

    public init(_ callbacks: Callbacks) {
        self.callbacks = callbacks
    }

    public func consume(_ input: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < input.count {
            switch state {
            case .finished:
                return
            case .header:
                let take = min(512 - headerBuffer.count, input.count - offset)
                headerBuffer += input[offset..<(offset + take)]
                offset += take
                if headerBuffer.count == 512 {
                    let block = headerBuffer
                    headerBuffer = []
                    try handleHeader(block)
                }
            case .content(let remaining, let padding):
                let take = Int(min(remaining, Int64(input.count - offset)))
                if take > 0 { try callbacks.content(UnsafeRawBufferPointer(rebasing: input[offset..<(offset + take)])) }
                offset += take
                let left = remaining - Int64(take)
                if left == 0 {
                    try callbacks.end()
                    state = padding > 0 ? .padding(padding) : .header
                } else {
                    state = .content(remaining: left, padding: padding)
                }
            case .meta(let kind, let remaining, let padding):
                let take = min(remaining, input.count - offset)
                metaBuffer += input[offset..<(offset + take)]
                offset += take
                if remaining - take == 0 {
                    try finishMeta(kind)
                    state = padding > 0 ? .padding(padding) : .header
                } else {
                    state = .meta(kind: kind, remaining: remaining - take, padding: padding)
                }
            case .padding(let count):
                let take = min(count, input.count - offset)
                offset += take
                state = count - take == 0 ? .header : .padding(count - take)
            }
        }
    }

    private func handleHeader(_ block: [UInt8]) throws {
        if block.allSatisfy({ $0 == 0 }) {
            sawEnd = true
            state = .finished
            return
        }
        let stored = TarReader.octal(block[148..<156])
        var sum = 0
        for (i, byte) in block.enumerated() { sum += (148..<156).contains(i) ? 32 : Int(byte) }
        guard stored == Int64(sum) else { throw ImageError.layer("tar header checksum mismatch") }
        let typeFlag = block[156]
        var size = TarReader.number(block[124..<136])
        if typeFlag == UInt8(ascii: "x") || typeFlag == UInt8(ascii: "g") || typeFlag == UInt8(ascii: "L") || typeFlag == UInt8(ascii: "K")
        {
            guard size >= 0, size < 16 << 20 else { throw ImageError.layer("tar metadata entry too large") }
            metaBuffer = []
            let padding = Int((512 - size % 512) % 512)
            if size == 0 {
                try finishMeta(typeFlag)
                state = .header
            } else {
                state = .meta(kind: typeFlag, remaining: Int(size), padding: padding)
            }
            return
        }
        var name = TarReader.string(block[0..<100])
        let magic = TarReader.string(block[257..<263])
        if magic.hasPrefix("ustar") {
            let prefix = TarReader.string(block[345..<500])
            if !prefix.isEmpty { name = prefix + "/" + name }
        }
        var linkName = TarReader.string(block[157..<257])
        if let longName { name = longName }
        if let longLink { linkName = longLink }
        longName = nil
        longLink = nil
        var uid = Int(TarReader.number(block[108..<116]))
        var gid = Int(TarReader.number(block[116..<124]))
        var mtime = TarReader.number(block[136..<148])
        var xattrs: [String: [UInt8]] = [:]
        for (key, value) in globalPax.merging(paxOverrides, uniquingKeysWith: { $1 }) {
            switch key {
            case "path": name = value
            case "linkpath": linkName = value
            case "size": size = Int64(value) ?? size
            case "uid": uid = Int(value) ?? uid
            case "gid": gid = Int(value) ?? gid
            case "mtime": mtime = Int64(Double(value) ?? Double(mtime))
            default:
                if key.hasPrefix("SCHILY.xattr.") { xattrs[String(key.dropFirst(13))] = Array(value.utf8) }
            }
        }
        paxOverrides = [:]
        let kind: TarEntry.Kind
        switch typeFlag {
        case UInt8(ascii: "0"), 0, UInt8(ascii: "7"): kind = name.hasSuffix("/") ? .directory : .file
        case UInt8(ascii: "1"): kind = .hardlink
        case UInt8(ascii: "2"): kind = .symlink
        case UInt8(ascii: "3"): kind = .characterDevice
        case UInt8(ascii: "4"): kind = .blockDevice
        case UInt8(ascii: "5"): kind = .directory
        case UInt8(ascii: "6"): kind = .fifo
        default:
            throw ImageError.layer("unsupported tar entry type '\(Character(Unicode.Scalar(typeFlag)))' for \(name)")
        }
        while name.hasPrefix("./") { name.removeFirst(2) }
        while name.hasPrefix("/") { name.removeFirst() }
        while name.hasSuffix("/") { name.removeLast() }
        var entry = TarEntry(
            path: name, kind: kind, mode: UInt32(TarReader.number(block[100..<108]) & 0o7777), uid: uid, gid: gid,
            size: kind == .file ? size : 0, modificationTime: mtime, linkName: linkName)
        entry.deviceMajor = UInt32(truncatingIfNeeded: TarReader.number(block[329..<337]))
        entry.deviceMinor = UInt32(truncatingIfNeeded: TarReader.number(block[337..<345]))
        entry.xattrs = xattrs
        try callbacks.begin(entry)
        let contentSize = kind == .file ? size : 0
        let padding = Int((512 - contentSize % 512) % 512)
        if contentSize == 0 {
            try callbacks.end()
            state = .header
        } else {
            state = .content(remaining: contentSize, padding: padding)
        }
    }

    private func finishMeta(_ kind: UInt8) throws {
        let bytes = metaBuffer
        metaBuffer = []
        switch kind {
        case UInt8(ascii: "L"): longName = TarReader.string(bytes[...])
        case UInt8(ascii: "K"): longLink = TarReader.string(bytes[...])
        default:
            var records: [String: String] = [:]
            var index = 0
            while index < bytes.count {
                guard let space = bytes[index...].firstIndex(of: 32),
                    let length = Int(String(decoding: bytes[index..<space], as: UTF8.self)),
                    length > 0, index + length <= bytes.count
                else { throw ImageError.layer("malformed PAX header") }
                let record = bytes[(space + 1)..<(index + length - 1)]
                if let equals = record.firstIndex(of: UInt8(ascii: "=")) {
                    records[String(decoding: record[record.startIndex..<equals], as: UTF8.self)] = String(
                        decoding: record[(equals + 1)...], as: UTF8.self)
                }
                index += length
            }
            if kind == UInt8(ascii: "g") { globalPax.merge(records) { $1 } } else { paxOverrides.merge(records) { $1 } }
        }
    }

    static func string(_ bytes: ArraySlice<UInt8>) -> String {
        let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
        return String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self)
    }

    static func octal(_ bytes: ArraySlice<UInt8>) -> Int64 {
        var value: Int64 = 0
        for byte in bytes {
            if byte == 0 || byte == 32 { if value > 0 { break } else { continue } }
            guard byte >= 48, byte <= 55 else { break }
            value = value * 8 + Int64(byte - 48)
        }
        return value
    }

    /// Octal, or GNU base-256 when the high bit is set.
    static func number(_ bytes: ArraySlice<UInt8>) -> Int64 {
        if let first = bytes.first, first & 0x80 != 0 {
            var value: Int64 = Int64(first & 0x7f)
            for byte in bytes.dropFirst() { value = (value << 8) | Int64(byte) }
            return value
        }
        return octal(bytes)
    }
}
