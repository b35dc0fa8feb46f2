// libargon2 (Debian: libargon2-dev), the reference implementation of Argon2 (RFC 9106).
#include <argon2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

// Per-thread reusable Argon2 memory. libargon2 mallocs and frees its whole memory block (19 MiB
// by default) for every hash; on a worker thread glibc hands that block back to the kernel at each
// free, so every hash first page-faults the block in again, megabytes of kernel zeroing per login.
// The hashing threads are long-lived, so each keeps one block and reuses it. libargon2 still
// wipes the block before it "frees" it (clear_internal_memory), so nothing password-derived stays.
static __thread uint8_t *portcullis_argon2_block = NULL;
static __thread size_t portcullis_argon2_block_size = 0;

static inline int portcullis_argon2_allocate(uint8_t **memory, size_t size) {
    if (size > portcullis_argon2_block_size) {
        free(portcullis_argon2_block);
        portcullis_argon2_block = malloc(size);
        portcullis_argon2_block_size = portcullis_argon2_block ? size : 0;
        if (!portcullis_argon2_block) return ARGON2_MEMORY_ALLOCATION_ERROR;
    }
    *memory = portcullis_argon2_block;
    return ARGON2_OK;
}

static inline void portcullis_argon2_keep(uint8_t *memory, size_t size) {
    (void)memory;
    (void)size;
}

// argon2id of `pwd` into `out` (the raw digest), using the thread's reusable block.
static inline int portcullis_argon2id_raw(uint32_t t_cost, uint32_t m_cost, uint32_t parallelism,
                                          uint32_t version, const void *pwd, size_t pwdlen,
                                          const uint8_t *salt, size_t saltlen, uint8_t *out, size_t outlen) {
    argon2_context context;
    memset(&context, 0, sizeof context);
    context.out = out;
    context.outlen = (uint32_t)outlen;
    context.pwd = (uint8_t *)pwd;
    context.pwdlen = (uint32_t)pwdlen;
    context.salt = (uint8_t *)salt;
    context.saltlen = (uint32_t)saltlen;
    context.t_cost = t_cost;
    context.m_cost = m_cost;
    context.lanes = parallelism;
    context.threads = parallelism;
    context.version = version;
    context.allocate_cbk = portcullis_argon2_allocate;
    context.free_cbk = portcullis_argon2_keep;
    context.flags = ARGON2_DEFAULT_FLAGS;
    return argon2id_ctx(&context);
}
