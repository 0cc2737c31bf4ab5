import CDispatch
import Glibc
import NIOCore

/// Reads a file range into 1 MiB ByteBuffers (one copy: `pread` straight into the buffer), for streamed uploads
/// and blob downloads from the registry server.
package struct FileChunks: AsyncSequence, Sendable {
    package typealias Element = ByteBuffer
    let path: String
    let offset: Int64
    let length: Int64

    package init(path: String, offset: Int64, length: Int64) {
        self.path = path
        self.offset = offset
        self.length = length
    }

    package final class AsyncIterator: AsyncIteratorProtocol {
        let descriptor: Int32
        var position: Int64
        var remaining: Int64

        init(path: String, offset: Int64, length: Int64) {
            descriptor = open(path, O_RDONLY)
            position = offset
            remaining = length
        }

        deinit { if descriptor >= 0 { close(descriptor) } }

        package func next() async throws -> ByteBuffer? {
            guard remaining > 0 else { return nil }
            guard descriptor >= 0 else { throw ImageError.io("upload", "cannot open the blob") }
            let size = Int(Swift.min(remaining, 1 << 20))
            var buffer = ByteBufferAllocator().buffer(capacity: size)
            let count = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { raw -> Int in
                let read = pread(descriptor, raw.baseAddress, size, off_t(position))
                guard read > 0 else { throw ImageError.io("upload", "file ended early") }
                return read
            }
            position += Int64(count)
            remaining -= Int64(count)
            return buffer
        }
    }

    package func makeAsyncIterator() -> AsyncIterator { AsyncIterator(path: path, offset: offset, length: length) }
}
