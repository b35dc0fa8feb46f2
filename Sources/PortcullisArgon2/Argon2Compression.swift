/// Argon2's compression function G (RFC 9106 §3.5–3.6) on 1 KiB blocks.
///
/// A block is 128 little-endian 64-bit words, held as 64 pairs (`SIMD2<UInt64>`): a pair is one SSE2
/// or NEON register, so every step below is a vector instruction on x86-64 and arm64 without any
/// target-specific code. The permutation P works on eight pairs at a time — a row (eight adjacent
/// pairs) or a column (every eighth pair) — and its two half-rounds each mix two lanes of words at
/// once; the diagonal half-round re-pairs words with lane shuffles instead of moving them in memory.
enum Argon2Compression {
    typealias Pair = SIMD2<UInt64>
    static let pairsPerBlock = 64

    /// `next = G(previous, reference)`, or `next ^= G(previous, reference)` when `xorIntoNext`
    /// (version 0x13 in passes after the first). `scratch` holds one block of working state.
    @inline(__always)
    static func compress(
        previous: UnsafePointer<Pair>, reference: UnsafePointer<Pair>, next: UnsafeMutablePointer<Pair>,
        xorIntoNext: Bool, scratch r: UnsafeMutablePointer<Pair>
    ) {
        // R = X ⊕ Y; the output starts as R (⊕ the old block) and gets P(R) xored in at the end.
        if xorIntoNext {
            for k in 0..<pairsPerBlock {
                let x = previous[k] ^ reference[k]
                r[k] = x
                next[k] ^= x
            }
        } else {
            for k in 0..<pairsPerBlock {
                let x = previous[k] ^ reference[k]
                r[k] = x
                next[k] = x
            }
        }
        for row in 0..<8 { permute(r + 8 * row, stride: 1) }
        for column in 0..<8 { permute(r + column, stride: 8) }
        for k in 0..<pairsPerBlock { next[k] ^= r[k] }
    }

    /// P over the eight pairs `p[0], p[stride], …, p[7 * stride]` (sixteen words v0…v15).
    @inline(__always)
    private static func permute(_ p: UnsafeMutablePointer<Pair>, stride: Int) {
        var a0 = p[0], a1 = p[stride]
        var b0 = p[2 * stride], b1 = p[3 * stride]
        var c0 = p[4 * stride], c1 = p[5 * stride]
        var d0 = p[6 * stride], d1 = p[7 * stride]

        // Columns: (v0, v4, v8, v12) … (v3, v7, v11, v15), two per call.
        mix(&a0, &b0, &c0, &d0)
        mix(&a1, &b1, &c1, &d1)

        // Diagonals: (v0, v5, v10, v15), (v1, v6, v11, v12), (v2, v7, v8, v13), (v3, v4, v9, v14).
        var bd0 = Pair(b0[1], b1[0]), bd1 = Pair(b1[1], b0[0])
        var dd0 = Pair(d1[1], d0[0]), dd1 = Pair(d0[1], d1[0])
        mix(&a0, &bd0, &c1, &dd0)
        mix(&a1, &bd1, &c0, &dd1)
        b0 = Pair(bd1[1], bd0[0]); b1 = Pair(bd0[1], bd1[0])
        d0 = Pair(dd0[1], dd1[0]); d1 = Pair(dd1[1], dd0[0])

        p[0] = a0; p[stride] = a1
        p[2 * stride] = b0; p[3 * stride] = b1
        p[4 * stride] = c0; p[5 * stride] = c1
        p[6 * stride] = d0; p[7 * stride] = d1
    }

    /// GB (RFC 9106 §3.6): BLAKE2b's G with each addition a + b replaced by a + b + 2·lo(a)·lo(b).
    @inline(__always)
    private static func mix(_ a: inout Pair, _ b: inout Pair, _ c: inout Pair, _ d: inout Pair) {
        a = blaMka(a, b); d = rotateRight32(d ^ a)
        c = blaMka(c, d); b = rotateRight24(b ^ c)
        a = blaMka(a, b); d = rotateRight16(d ^ a)
        c = blaMka(c, d); b = rotateRight63(b ^ c)
    }

    /// a + b + 2 · (a mod 2³²) · (b mod 2³²). Masking both factors lets the compiler use the
    /// 32×32→64-bit vector multiply (pmuludq, umull) instead of a full 64-bit one.
    @inline(__always)
    private static func blaMka(_ a: Pair, _ b: Pair) -> Pair {
        let low = Pair(repeating: 0xFFFF_FFFF)
        let product = (a & low) &* (b & low)
        return a &+ b &+ product &+ product
    }

    // Rotations. Written as `(x >> n) | (x << (64 - n))`, LLVM recognises a vector rotate, which
    // x86-64 without AVX-512 has no instruction for, and splits it into scalar rotates through
    // general-purpose registers (measured: half the speed). These forms stay in vector registers:
    // shuffles of 32- and 16-bit lanes, and shifts the rotate matcher does not pair up.

    /// Swaps the 32-bit halves of each word (pshufd; rev64 on arm64).
    @inline(__always)
    private static func rotateRight32(_ x: Pair) -> Pair {
        let halves = unsafeBitCast(x, to: SIMD4<UInt32>.self)
        return unsafeBitCast(SIMD4(halves[1], halves[0], halves[3], halves[2]), to: Pair.self)
    }

    /// Rotates each word's four 16-bit quarters by one (pshuflw + pshufhw).
    @inline(__always)
    private static func rotateRight16(_ x: Pair) -> Pair {
        let q = unsafeBitCast(x, to: SIMD8<UInt16>.self)
        return unsafeBitCast(SIMD8(q[1], q[2], q[3], q[0], q[5], q[6], q[7], q[4]), to: Pair.self)
    }

    /// (x ⋙ 32) ≪ 8 supplies the bits that x ≪ 40 would, plus bits 8…39, which equal those of x ≫ 24.
    @inline(__always)
    private static func rotateRight24(_ x: Pair) -> Pair {
        (rotateRight32(x) &<< 8) | (x &>> 24)
    }

    @inline(__always)
    private static func rotateRight63(_ x: Pair) -> Pair {
        (x &>> 63) | (x &+ x)
    }
}
