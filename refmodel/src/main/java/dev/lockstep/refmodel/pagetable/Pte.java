package dev.lockstep.refmodel.pagetable;

import dev.lockstep.refmodel.regs.Capabilities;
import dev.lockstep.refmodel.trace.Rule;

/**
 * Page-table entry fields and the encoding checks of the privileged spec's step 3 ("if pte.v=0, or
 * if pte.r=0 and pte.w=1, or if any bits or encodings that are reserved for future standard use are
 * set within pte, stop and raise a page-fault"), shared by the first stage and the G stage.
 */
public final class Pte {
    private Pte() {}

    public static final long V = 1, R = 1 << 1, W = 1 << 2, X = 1 << 3, U = 1 << 4, G = 1 << 5, A = 1 << 6, D = 1 << 7;
    public static final long N = 1L << 63;
    static final int PBMT_SHIFT = 61;
    static final long PBMT_MASK = 3L << PBMT_SHIFT;
    /** Bits 60:54: reserved for future standard use (Priv Sv39 PTE format). */
    static final long RESERVED_60_54 = 0x7fL << 54;
    /** With Svrsw60t59b, bits 60:59 are for software (IOMMU capabilities.Svrsw60t59b); 58:54 stay reserved. */
    static final long RESERVED_58_54 = 0x1fL << 54;
    /**
     * The bits that must all be 0, but V, for a PTE to be a well-formed non-leaf entry under every
     * scheme and capability set: R, W, X, U, A, D, N, PBMT and reserved 60:54. Most PTEs a walk reads
     * are such entries, so {@link #encodingFault} answers them with one test.
     */
    private static final long NONLEAF_FAST_MASK = V | R | W | X | U | A | D | N | PBMT_MASK | RESERVED_60_54;

    /** Whether the PTE passes the encoding checks as a non-leaf entry by the one test of {@link #encodingFault}'s fast path. */
    public static boolean isPlainNonLeaf(long pte) { return (pte & NONLEAF_FAST_MASK) == V; }

    public static boolean isLeaf(long pte) { return (pte & (R | X)) != 0; }

    /** PPN of an Sv39/48/57 PTE (bits 53:10) or an Sv32 PTE (bits 31:10). */
    public static long ppn(long pte, PagingScheme scheme) {
        return scheme == PagingScheme.SV32 ? (pte >>> 10) & 0x3fffffL : (pte >>> 10) & ((1L << 44) - 1);
    }

    /** PBMT of a leaf PTE (0 = PMA, 1 = NC, 2 = IO); always PMA for Sv32. */
    public static int pbmt(long pte, PagingScheme scheme) {
        return scheme == PagingScheme.SV32 ? 0 : (int) ((pte >>> PBMT_SHIFT) & 3);
    }

    /**
     * The reason the PTE read at level {@code level} raises a page fault by its encoding alone, or
     * {@code null}. Checks V, R=0/W=1, reserved bits (60:54, PBMT without Svpbmt, PBMT=3, N and PBMT
     * and D/A/U on non-leaf entries) and the Svnapot encodings (only the 64 KiB NAPOT at level 0 is
     * defined, Priv Svnapot table).
     */
    public static Rule encodingFault(long pte, PagingScheme scheme, int level, Capabilities caps) {
        return encodingFault(pte, scheme, level, caps.svpbmt(), caps.svrsw60t59b());
    }

    /** {@link #encodingFault(long, PagingScheme, int, Capabilities)} with the two capability bits it needs. */
    public static Rule encodingFault(long pte, PagingScheme scheme, int level, boolean svpbmt, boolean svrsw60t59b) {
        // Fast path: passes every check below (an Sv32 PTE is zero-extended, so its bits 63:32 are 0).
        if (isPlainNonLeaf(pte)) return null;
        if ((pte & V) == 0) return Rule.PTE_NOT_VALID;
        if ((pte & R) == 0 && (pte & W) != 0) return Rule.PTE_W_WITHOUT_R; // includes XWR=010, reserved for IO
        boolean leaf = isLeaf(pte);
        if (scheme != PagingScheme.SV32) {
            long reserved = svrsw60t59b ? RESERVED_58_54 : RESERVED_60_54;
            if ((pte & reserved) != 0) return Rule.PTE_RESERVED;
            int pbmt = (int) ((pte >>> PBMT_SHIFT) & 3);
            if (pbmt != 0 && !svpbmt) return Rule.PTE_RESERVED;
            if (!leaf && (pbmt != 0 || (pte & N) != 0)) return Rule.PTE_NONLEAF_RESERVED;
            if (leaf && pbmt == 3) return Rule.PTE_PBMT_RESERVED;
            if (leaf && (pte & N) != 0 && (level != 0 || (ppn(pte, scheme) & 0xf) != 0x8)) return Rule.PTE_NAPOT_RESERVED;
        }
        if (!leaf && (pte & (D | A | U)) != 0) return Rule.PTE_NONLEAF_RESERVED;
        return null;
    }
}
