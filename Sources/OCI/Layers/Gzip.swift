import CDispatch
import CZlib
import Foundation
import Glibc

/// Streaming gzip compression with a fixed header (mtime 0, no name, OS "unknown") so the same tar always gives
/// the same blob digest.
public final class GzipCompressor {
    private var stream = z_stream()
    private var header = gz_header()
    private var finished = false
    private var outputBuffer = [UInt8](repeating: 0, count: 256 * 1024)

    /// `level` 1 is fast and still deterministic for a given zlib; layers are compressed once and then cached.
    public init(level: Int32 = 1) throws(ImageError) {
        // windowBits 15 + 16 selects the gzip wrapper.
        let status = deflateInit2_(
            &stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw .layer("zlib deflateInit2 failed (\(status))") }
        header.os = 255
        deflateSetHeader(&stream, &header)
    }

    deinit { deflateEnd(&stream) }

    /// Compresses `input`, passing every compressed chunk to `sink`.
    public func compress(_ input: UnsafeRawBufferPointer, sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        try run(input, flush: Z_NO_FLUSH, sink: sink)
    }

    /// Ends the stream.
    public func finish(sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard !finished else { return }
        finished = true
        try run(UnsafeRawBufferPointer(start: nil, count: 0), flush: Z_FINISH, sink: sink)
    }

    private func run(_ input: UnsafeRawBufferPointer, flush: Int32, sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        let capacity = outputBuffer.count
        try outputBuffer.withUnsafeMutableBytes { out in
            guard let base = out.baseAddress?.assumingMemoryBound(to: Bytef.self) else { return }
            while true {
                stream.next_out = base
                stream.avail_out = uInt(capacity)
                let status = deflate(&stream, flush)
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                    throw ImageError.layer("zlib deflate failed (\(status))")
                }
                let produced = capacity - Int(stream.avail_out)
                if produced > 0 { try sink(UnsafeRawBufferPointer(start: out.baseAddress, count: produced)) }
                if flush == Z_FINISH {
                    if status == Z_STREAM_END { break }
                } else if stream.avail_out != 0 {
                    break
                }
            }
        }
    }
}

/// Streaming gzip decompression (also accepts concatenated members, as gzip does).
public final class GzipDecompressor {
    private var stream = z_stream()
    private var outputBuffer = [UInt8](repeating: 0, count: 256 * 1024)
    public private(set) var ended = false

    public init() throws(ImageError) {
        let status = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw .layer("zlib inflateInit2 failed (\(status))") }
    }

    deinit { inflateEnd(&stream) }

    public func decompress(_ input: UnsafeRawBufferPointer, sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        let capacity = outputBuffer.count
        try outputBuffer.withUnsafeMutableBytes { out in
            guard let base = out.baseAddress?.assumingMemoryBound(to: Bytef.self) else { return }
            while true {
                stream.next_out = base
                stream.avail_out = uInt(capacity)
                let status = inflate(&stream, Z_NO_FLUSH)
                let produced = capacity - Int(stream.avail_out)
                if produced > 0 { try sink(UnsafeRawBufferPointer(start: out.baseAddress, count: produced)) }
                if status == Z_STREAM_END {
                    ended = true
                    if stream.avail_in > 0 {
                        inflateReset(&stream)
                        continue
                    }
                    break
                }
                if status == Z_BUF_ERROR { break }
                guard status == Z_OK else { throw ImageError.layer("corrupt gzip data (zlib \(status))") }
                if stream.avail_in == 0, stream.avail_out != 0 { break }
            }
        }
    }
}
