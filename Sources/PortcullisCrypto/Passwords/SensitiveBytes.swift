#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `body` with the UTF-8 bytes of a password in a buffer we own, then wipes the buffer, so the
/// copy handed to C does not linger in freed heap memory. (Swift's own `String` storage is beyond
/// our reach; this narrows the copies, it cannot promise there are none.)
func withSensitiveUTF8<Result>(_ text: String, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
    var bytes = Array(text.utf8)
    defer { bytes.withUnsafeMutableBytes(wipe) }
    return bytes.withUnsafeBytes(body)
}

/// Zeroes memory in a way the optimizer may not remove as a dead store.
func wipe(_ buffer: UnsafeMutableRawBufferPointer) {
    guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
    #if canImport(Glibc)
    explicit_bzero(base, buffer.count)
    #else
    _ = memset_s(base, buffer.count, 0, buffer.count)
    #endif
}
