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
        a = blaMka(a, b); d = rotateRight(d ^ a, 32)
        c = blaMka(c, d); b = rotateRight(b ^ c, 24)
        a = blaMka(a, b); d = rotateRight(d ^ a, 16)
        c = blaMka(c, d); b = rotateRight(b ^ c, 63)
    }

    /// a + b + 2 · (a mod 2³²) · (b mod 2³²). Masking both factors lets the compiler use the
    /// 32×32→64-bit vector multiply (pmuludq, umull) instead of a full 64-bit one.
    @inline(__always)
    private static func blaMka(_ a: Pair, _ b: Pair) -> Pair {
        let low = Pair(repeating: 0xFFFF_FFFF)
        let product = (a & low) &* (b & low)
        return a &+ b &+ product &+ product
    }

    @inline(__always)
    private static func rotateRight(_ x: Pair, _ count: UInt64) -> Pair {
        (x &>> count) | (x &<< (64 - count))
    }
}
