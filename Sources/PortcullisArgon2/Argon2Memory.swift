#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The memory one thread hashes in, kept for the thread's lifetime and reused by every hash it
/// computes.
///
/// Allocating and freeing the whole matrix per hash (19 MiB by default) would hand it back to the
/// kernel each time, so every hash would first page-fault it in again — megabytes of kernel zeroing
/// per login. Password hashing runs on long-lived worker threads, so each keeps one block and grows
/// it when a hash needs more. Everything a hash wrote is wiped before the hash returns, so nothing
/// password-derived stays in the kept memory.
final class Argon2Memory {
    typealias Pair = Argon2Compression.Pair
    static let blockByteCount = Argon2Compression.pairsPerBlock * MemoryLayout<Pair>.stride
    /// Working blocks beside the matrix: compression scratch, the zero block, the address
    /// generator's input and its output (Argon2i addressing).
    static let scratchBlockCount = 4

    /// Alignment of the kept memory: the size of an x86-64 / arm64 huge page (also a cache-line multiple).
    private static let hugePageSize = 2 << 20

    private var storage: UnsafeMutableRawPointer?
    private var capacity = 0

    /// Memory for `blockCount` matrix blocks plus the scratch blocks; `nil` when it cannot be
    /// allocated. The returned memory is only valid until the next call on this thread.
    func blocks(_ blockCount: Int) -> UnsafeMutablePointer<Pair>? {
        let (needed, overflow) = (blockCount + Self.scratchBlockCount).multipliedReportingOverflow(by: Self.blockByteCount)
        guard !overflow else { return nil }
        if needed > capacity {
            free(storage)
            storage = nil
            capacity = 0
            var allocated: UnsafeMutableRawPointer?
            guard posix_memalign(&allocated, Self.hugePageSize, needed) == 0, let allocated else { return nil }
            #if os(Linux)
            // Blocks are read at random all over the matrix, so with 4 KiB pages most reads also miss
            // the TLB. Huge pages (where the kernel's transparent huge pages allow it) cut those
            // misses; measured ~10 % faster at the default 19 MiB. Only a hint: it may be refused.
            _ = madvise(allocated, needed, MADV_HUGEPAGE)
            #endif
            storage = allocated
            capacity = needed
        }
        return storage!.bindMemory(to: Pair.self, capacity: needed / MemoryLayout<Pair>.stride)
    }

    /// Zeroes the first `blockCount + scratchBlockCount` blocks, in a way the optimiser may not drop.
    func wipe(_ blockCount: Int) {
        guard let storage else { return }
        let count = min(capacity, (blockCount + Self.scratchBlockCount) * Self.blockByteCount)
        #if canImport(Darwin)
        _ = memset_s(storage, count, 0, count)
        #else
        explicit_bzero(storage, count)
        #endif
    }

    deinit { free(storage) }

    /// This thread's memory, created on first use and released when the thread exits.
    static var current: Argon2Memory {
        if let existing = pthread_getspecific(threadKey) {
            return Unmanaged<Argon2Memory>.fromOpaque(existing).takeUnretainedValue()
        }
        let memory = Argon2Memory()
        pthread_setspecific(threadKey, Unmanaged.passRetained(memory).toOpaque())
        return memory
    }
}

/// The key of each thread's `Argon2Memory`; its destructor releases the memory when the thread ends.
private let threadKey: pthread_key_t = {
    var key = pthread_key_t()
    let status = pthread_key_create(&key) { pointer in
        guard let pointer else { return }
        Unmanaged<Argon2Memory>.fromOpaque(pointer).release()
    }
    precondition(status == 0, "pthread_key_create failed")
    return key
}()
