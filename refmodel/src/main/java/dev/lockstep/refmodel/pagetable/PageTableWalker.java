package dev.lockstep.refmodel.pagetable;

import dev.lockstep.refmodel.fault.Cause;
import dev.lockstep.refmodel.fault.FaultRecord;
import dev.lockstep.refmodel.mem.PhysicalMemory;
import dev.lockstep.refmodel.regs.Capabilities;
import dev.lockstep.refmodel.trace.Role;
import dev.lockstep.refmodel.trace.Rule;
import dev.lockstep.refmodel.trace.TracedMemory;
import dev.lockstep.refmodel.trace.WalkTrace;

/**
 * The privileged spec's "Virtual Address Translation Process" (sv32algorithm) for one stage: the
 * first stage (single-stage or VS-stage, iosatp / PC.fsc) or the G stage (iohgatp, the x4 schemes).
 * A first-stage walker owns the G-stage walker that translates the guest-physical addresses of its
 * own PTEs as implicit accesses (Priv "Two-Stage Address Translation").
 *
 * <p>Usage: {@link #configure} once per translation, then {@link #translate} (first stage) or
 * {@link #translateGpa} (G stage); they return 0 or a cause code and leave their results in this
 * object ({@link #address()}, {@link #pageShift()}, {@link #permissions()}, ...), so nothing is
 * allocated per walk.
 *
 * <p>Two checking modes: strict (untranslated and translated requests: a missing permission is a
 * fault) and lenient (PCIe ATS translation requests: a missing permission is only cleared from the
 * granted set, IOMMU "PCIe ATS translation request handling").
 *
 * <p>Implementation choices, documented for the checker: the width check of the address (sign
 * extension, SXL, x4 widths) is made before the first PTE read of each stage; first-stage A/D bits
 * are updated (when SADE=1) before the final G-stage translation, following the algorithm's order.
 *
 * <p>Where the spec lets the IOMMU choose its A/D updates, the walk tells its memory
 * ({@link PhysicalMemory#adLatitude}); the model itself makes the algorithm's updates only:
 * <ul>
 * <li>the first-stage leaf's update is required only if the request is performed: "Updates of the A
 *     bit may be performed as a result of speculation, even if the associated memory access ultimately
 *     is not performed" and "Implementations are of course still permitted to perform both A and D bit
 *     updates only in an exact manner" (Priv, Svadu / "PTE A/D updates"), so when a later step (the
 *     G-stage translation of the GPA, an MSI PTE) faults or an ATS request is granted nothing, the
 *     update may be left out, whole or in part;</li>
 * <li>a G-stage leaf that maps a first-stage PTE and grants write may get D: "updates to the D bit in
 *     G-stage PTEs may be performed by an implicit access to a VS-stage PTE, if the G-stage PTE provides
 *     write permission" (Priv, same section);</li>
 * <li>when the first-stage leaf passed its checks but its A/D update faults (the G stage denies the
 *     implicit write), the G-stage leaf of the final GPA may still get A if its own checks pass for the
 *     access (an implementation may translate the GPA before it updates the first-stage PTE; A updates
 *     may be speculative; D may not).</li>
 * </ul>
 * No A (or D) is permitted on a PTE that is invalid, a non-leaf, or a leaf whose own checks failed.
 */
public final class PageTableWalker {

    private final boolean gStage;
    private final TracedMemory mem;
    private final Capabilities caps;
    private final PageTableWalker gWalker;
    private final boolean svpbmt;
    private final boolean svrsw60t59b;

    private PagingScheme scheme = PagingScheme.BARE;
    private long rootPpn;
    private boolean adUpdate;
    private boolean bigEndian;
    private boolean sxl;

    private long address;
    private int pageShift;
    private int pbmt;
    private int permissions;
    private boolean global;
    private long iotval2;
    /** The leaf of the last successful G-stage walk (its value as read, its SPA; -1 when Bare). */
    private long leafPte;
    private long leafSpa = -1;
    /** A speculative walk: A updates are only reported as permitted (never stored), D never set. */
    private boolean probing;


    private PageTableWalker(boolean gStage, TracedMemory mem, Capabilities caps, PageTableWalker gWalker) {
        this.gStage = gStage;
        this.mem = mem;
        this.caps = caps;
        this.gWalker = gWalker;
        this.svpbmt = caps.svpbmt();
        this.svrsw60t59b = caps.svrsw60t59b();
    }

    /** A G-stage walker. */
    public static PageTableWalker gStage(TracedMemory mem, Capabilities caps) {
        return new PageTableWalker(true, mem, caps, null);
    }

    /** A first-stage walker whose PTE addresses are translated by {@code gWalker}. */
    public static PageTableWalker firstStage(TracedMemory mem, Capabilities caps, PageTableWalker gWalker) {
        if (!gWalker.gStage) throw new IllegalArgumentException("gWalker: must be a G-stage walker");
        return new PageTableWalker(false, mem, caps, gWalker);
    }

    /**
     * Sets the stage's controls for the next translations.
     *
     * @param scheme    the paging scheme (BARE disables the stage)
     * @param rootPpn   iosatp.PPN / PC.fsc.PPN (a guest PPN when the G stage is active) or iohgatp.PPN
     * @param adUpdate  DC.tc.SADE (first stage) or DC.tc.GADE (G stage): update A/D instead of faulting
     * @param bigEndian DC.tc.SBE (first stage) or fctl.BE (G stage)
     * @param sxl       DC.tc.SXL: limits the IOVA to 32 bits (first stage) and the GPA to 34 bits (G stage)
     */
    public void configure(PagingScheme scheme, long rootPpn, boolean adUpdate, boolean bigEndian, boolean sxl) {
        this.scheme = scheme;
        this.rootPpn = rootPpn;
        this.adUpdate = adUpdate;
        this.bigEndian = bigEndian;
        this.sxl = sxl;
    }

    public PagingScheme scheme() { return scheme; }
    public boolean isBare() { return scheme == PagingScheme.BARE; }
    /** The translated address (SPA, or GPA for the first stage) of the last successful walk. */
    public long address() { return address; }
    /** log2 of the mapping's size; 64 when the stage is Bare (no limit). */
    public int pageShift() { return pageShift; }
    /** Leaf PBMT (0 PMA, 1 NC, 2 IO); 0 when Bare. */
    public int pbmt() { return pbmt; }
    /** Granted permissions ({@link Access#R}/{@link Access#W}/{@link Access#X}); all requested ones when Bare. */
    public int permissions() { return permissions; }
    /** Whether a G bit was set in the walked PTEs (first stage). */
    public boolean global() { return global; }
    /** iotval2 of the last guest-page fault (GPA[63:2] and the implicit-access bits). */
    public long iotval2() { return iotval2; }

    /**
     * First stage: translates {@code va} to a GPA (or SPA when the G stage is Bare; the G-stage
     * translation of the final GPA is the caller's job, since MSI translation sits in between).
     *
     * @param type       original access type ({@link Access#EXEC}, READ, WRITE), selects the cause
     * @param want       permissions requested (strict: exactly the one the access needs)
     * @param strict     false for ATS translation requests (denied permissions are cleared, not faulted)
     * @param supervisor the request has supervisor privilege (only through a PC with ENS=1)
     * @param sum        PC.ta.SUM
     */
    public int translate(long va, int type, int want, boolean strict, boolean supervisor, boolean sum) {
        if (gStage) throw new IllegalStateException("translate() is for the first stage; use translateGpa()");
        iotval2 = 0;
        global = false;
        if (scheme == PagingScheme.BARE) return bare(va, want);
        int vaBits = scheme.vaBits;
        boolean fits = scheme == PagingScheme.SV32 ? (va >>> 32) == 0 : (va >> (vaBits - 1)) == 0 || (va >> (vaBits - 1)) == -1;
        if (!fits) {
            return fault(scheme == PagingScheme.SV32 ? Rule.IOVA_WIDER_THAN_32 : Rule.IOVA_NOT_CANONICAL, -1, Access.pageFault(type));
        }
        return walk(va, type, want, strict, supervisor, sum, 0);
    }

    /**
     * G stage: translates {@code gpa} to an SPA.
     *
     * @param implicit      the access reads a first-stage PTE or a PDT entry (iotval2 bit 0)
     * @param implicitWrite the implicit access is an A/D update (iotval2 bit 1)
     */
    public int translateGpa(long gpa, int type, int want, boolean strict, boolean implicit, boolean implicitWrite) {
        return translateGpa(gpa, type, want, strict, implicit, implicitWrite, true);
    }

    /**
     * {@link #translateGpa}, with or without its short path (tests compare the two).
     *
     * <p>The short path is the walk of a strict translation when nothing in it is unusual: 8-byte
     * PTEs, every read OK, non-leaf entries that pass the encoding checks by their one-test fast path,
     * and a leaf that passes every check and grants {@code want} with nothing to update (U and A set,
     * and D when W is wanted). It reads and records exactly what {@link #walk} would and leaves the
     * same results; on anything else it forgets its reads and the full walk starts over (reads have no
     * side effects). {@code GStageShortPathTest} holds it to the full walk's results and trace.
     *
     * <p>Why: G-stage walks are 50 of the 60 reads of a worst-case translation (PD20 + Sv57 over
     * Sv57x4), and the short loop is a fraction of {@link #walk}'s code. It sits in this method, not in
     * one of its own, so that this method stays above HotSpot's inlining limit for hot methods
     * (FreqInlineSize, 325 bytecodes) and is compiled once and called for every G-stage walk. While the
     * loop was a method of its own, this method was inlined into its callers or not depending on the
     * order the JIT compiled them, and JMH worstCase forks settled at either about 2.1 or 2.7 M/s; now
     * every fork runs at the faster speed.
     */
    int translateGpa(long gpa, int type, int want, boolean strict, boolean implicit, boolean implicitWrite,
                     boolean shortPath) {
        if (!gStage) throw new IllegalStateException("translateGpa() is for the G stage");
        iotval2 = 0;
        global = false;
        leafSpa = -1;
        if (scheme == PagingScheme.BARE) return bare(gpa, want);
        long implicitBits = implicit ? FaultRecord.IOTVAL2_IMPLICIT | (implicitWrite ? FaultRecord.IOTVAL2_IMPLICIT_WRITE : 0) : 0;
        if (sxl && (gpa >>> 34) != 0) {
            iotval2 = (gpa & ~3L) | implicitBits;
            return fault(Rule.GPA_WIDER_THAN_34, -1, Access.guestPageFault(type));
        }
        if ((gpa >>> (scheme.vaBits + 2)) != 0) {
            iotval2 = (gpa & ~3L) | implicitBits;
            return fault(Rule.GPA_TOO_WIDE, -1, Access.guestPageFault(type));
        }
        if (shortPath && strict && scheme.pteBytes == 8) {
            final PagingScheme s = scheme;
            final WalkTrace trace = mem.trace();
            final int mark = trace.readCount();
            final int top = s.levels - 1;
            // The entry's word number (address / 8): its table's PPN << 9 plus its index. The x4 root
            // table has 2 more index bits.
            long word = (rootPpn << 9) + ((gpa >>> (12 + 9 * top)) & 0x7ff);
            long gBits = 0; // the G bits on the path: walk's global flag
            for (int level = top; level >= 0; level--) {
                long pte = mem.read64(word << 3, bigEndian, Role.G_STAGE_PTE, level);
                if (mem.status() != PhysicalMemory.OK) break;
                if (Pte.isPlainNonLeaf(pte)) {
                    gBits |= pte;
                    word = (Pte.ppn(pte, s) << 9) + ((gpa >>> (3 + 9 * level)) & 0x1ff); // the next level's entry
                    continue;
                }
                if (Pte.encodingFault(pte, s, level, svpbmt, svrsw60t59b) != null) break;
                long needed = want | Pte.U | Pte.A | ((want & Access.W) != 0 ? Pte.D : 0);
                if ((pte & needed) != needed) break;
                long ppn = Pte.ppn(pte, s);
                int shift = leafShift(pte, ppn, level);
                if (shift < 0) break;
                global = (gBits & Pte.G) != 0;
                leafPte = pte;
                leafSpa = word << 3;
                success(gpa, ppn, shift, pte, want);
                return 0;
            }
            trace.truncateReads(mark);
        }
        return walk(gpa, type, want, strict, false, false, implicitBits);
    }

    private int bare(long va, int want) {
        address = va;
        pageShift = 64;
        pbmt = 0;
        permissions = want;
        return 0;
    }

    /**
     * Steps 2-9 of the algorithm for a configured, non-Bare stage; {@code implicitBits}: iotval2 bits 1:0
     * (G stage). Steps 2-4 read the PTEs from the root down to the leaf, each PTE address a GPA translated
     * by the G stage when this is a first stage over an active G stage; steps 5-9 check the leaf:
     * superpage alignment, U, R/W/X, then A/D.
     *
     * <p>One method on purpose: larger than HotSpot's inlining limit for hot methods (FreqInlineSize,
     * 325 bytecodes), it is compiled once and called for each walk. A worst-case translation makes up to
     * nine G-stage walks; inlined at every call site, their copies made the translation about 15% slower
     * (JMH worstCase).
     */
    private int walk(long va, int type, int want, boolean strict, boolean supervisor, boolean sum, long implicitBits) {
        final PagingScheme s = scheme;
        final int role = gStage ? Role.G_STAGE_PTE : Role.FIRST_STAGE_PTE;
        final int top = s.levels - 1;
        final int bits = s.bitsPerLevel;
        final int pteBytes = s.pteBytes;
        // The G-stage walker that translates this walk's PTE addresses (null: they are already SPAs).
        final PageTableWalker g = gStage || gWalker.isBare() ? null : gWalker;
        long a = rootPpn << 12;
        long pte;
        int level;
        long pteGpa;    // the leaf's address as this stage sees it (a GPA under an active G stage)
        long pteSpa;    // the SPA it was read from
        for (level = top; ; level--) {
            long pteAddress = a + pteIndex(va, level, top, bits) * pteBytes;
            long pa = pteAddress;
            if (g != null) {
                int gCause = translatePteAddress(g, pteAddress, type);
                if (gCause != 0) return gCause;
                pa = g.address;
            }
            pte = readPte(pa, pteBytes, role, level);
            int cause = readFault(level, type);
            if (cause != 0) return cause;
            Rule bad = Pte.encodingFault(pte, s, level, svpbmt, svrsw60t59b);
            if (bad != null) return pageFault(bad, level, type, va, implicitBits);
            if (Pte.isLeaf(pte)) {
                pteGpa = pteAddress;
                pteSpa = pa;
                break;
            }
            if ((pte & Pte.G) != 0) global = true;
            if (level == 0) return pageFault(Rule.PTE_NO_LEAF, level, type, va, implicitBits);
            a = Pte.ppn(pte, s) << 12;
        }
        // Step 5: a misaligned superpage.
        long ppn = Pte.ppn(pte, s);
        int shift = leafShift(pte, ppn, level);
        if (shift < 0) return pageFault(Rule.PTE_MISALIGNED_SUPERPAGE, level, type, va, implicitBits);
        // Step 6: the U bit. G-stage accesses are always user accesses.
        boolean u = (pte & Pte.U) != 0;
        if (gStage || !supervisor) {
            if (!u) return pageFault(gStage ? Rule.PTE_G_STAGE_U : Rule.PTE_U_USER, level, type, va, implicitBits);
        } else if (u) {
            Rule bad = supervisorUserPageFault(want, strict, sum);
            if (bad != null) return pageFault(bad, level, type, va, implicitBits);
            want &= ~Access.X; // SUM=1 never grants execute of a U page to supervisor requests (lenient: cleared)
        }
        // Step 8: R/W/X.
        int granted = (int) (pte & (Access.R | Access.W | Access.X)) & want;
        if (strict) {
            if (granted != want) return pageFault(Rule.PTE_PERMISSION, level, type, va, implicitBits);
        } else {
            if ((granted & Access.R) == 0) granted = 0; // ATS: X and W are never granted without R
            if (granted == 0) return success(va, ppn, shift, pte, 0);
        }
        // Step 9: A and D.
        boolean needA = (pte & Pte.A) == 0;
        boolean needD = (granted & Access.W) != 0 && (pte & Pte.D) == 0;
        if (probing) {
            // A speculative walk: A may be set, D never ("updates to the D bit ... must be exact").
            if (needA && adUpdate) latitude(pteSpa, Pte.A, PhysicalMemory.AD_MAY_SET);
        } else if (needA || needD) {
            int cause = updateAd(pte, needD, level, type, implicitBits, va, pteGpa, pteSpa, ppn, shift, granted, strict);
            if (cause != 0) return cause;
        }
        leafPte = pte;
        leafSpa = pteSpa;
        return success(va, ppn, shift, pte, granted);
    }

    /** VPN[level] of {@code va}: the index of its PTE in the table at {@code level} (the x4 root has 2 more bits). */
    private int pteIndex(long va, int level, int top, int bits) {
        int indexBits = bits + (gStage && level == top ? 2 : 0);
        return (int) (va >>> (12 + level * bits)) & ((1 << indexBits) - 1);
    }

    /** The G-stage translation of a PTE address (an implicit read); the SPA is left in {@code g.address}. */
    private int translatePteAddress(PageTableWalker g, long pteAddress, int type) {
        int cause = g.translateGpa(pteAddress, type, Access.R, true, true, false);
        if (cause != 0) {
            iotval2 = g.iotval2;
        } else if (g.adUpdate && g.leafSpa >= 0 && (g.leafPte & Pte.W) != 0 && (g.leafPte & Pte.D) == 0) {
            // "updates to the D bit in G-stage PTEs may be performed by an implicit access to a VS-stage
            // PTE, if the G-stage PTE provides write permission" (Priv, PTE A/D updates).
            g.latitude(g.leafSpa, Pte.D, PhysicalMemory.AD_MAY_SET);
        }
        return cause;
    }

    /**
     * A speculative G-stage translation of {@code gpa} that changes nothing: its reads leave the trace,
     * its decision is kept, and the A bit its leaf would get is only reported as permitted.
     */
    private void speculativeGpa(long gpa, int type, int want, boolean strict) {
        WalkTrace t = mem.trace();
        int mark = t.readCount();
        Rule rule = t.rule();
        int level = t.ruleLevel();
        int cause = t.ruleCause();
        probing = true;
        try {
            translateGpa(gpa, type, want, strict, false, false, false);
        } finally {
            probing = false;
            t.truncateReads(mark);
            t.decide(rule, level, cause);
        }
    }

    /** Reports A/D latitude for the PTE at {@code pa} ({@code bits} in PTE order) in memory byte order. */
    private void latitude(long pa, long bits, int kind) {
        if (bits == 0) return;
        long m;
        if (scheme.pteBytes == 8) {
            m = bigEndian ? Long.reverseBytes(bits) : bits;
        } else {
            int v = bigEndian ? Integer.reverseBytes((int) bits) : (int) bits;
            m = (v & 0xffffffffL) << ((pa & 4) * 8);
        }
        mem.memory().adLatitude(pa & ~7L, m, kind);
    }

    private long readPte(long pa, int pteBytes, int role, int level) {
        return pteBytes == 8 ? mem.read64(pa, bigEndian, role, level) : mem.read32(pa, bigEndian, role, level);
    }

    /** Step 2's faults: the cause when the PTE load just made answered an access fault or corrupted data, else 0. */
    private int readFault(int level, int type) {
        int status = mem.status();
        if (status == PhysicalMemory.ACCESS_FAULT) return fault(Rule.PTE_ACCESS_FAULT, level, Access.accessFault(type));
        if (status == PhysicalMemory.DATA_CORRUPTION) return fault(Rule.PTE_CORRUPTED, level, Cause.PT_DATA_CORRUPTION);
        return 0;
    }

    /**
     * log2 of the region the leaf at {@code level} maps, or -1 for a misaligned superpage (step 5);
     * 16 for an Svnapot 64 KiB page, whose ppn[0][3:0] is replaced by vpn[0][3:0].
     */
    private int leafShift(long pte, long ppn, int level) {
        int bits = scheme.bitsPerLevel;
        if ((pte & Pte.N) != 0) return 16;
        if (level > 0 && (ppn & ((1L << (level * bits)) - 1)) != 0) return -1;
        return 12 + level * bits;
    }

    /**
     * Step 6 for a supervisor request to a U=1 page: a fault without PC.ta.SUM, or for an execute
     * permission requested by a strict (non-ATS) request; null when the access goes on.
     */
    private static Rule supervisorUserPageFault(int want, boolean strict, boolean sum) {
        if (!sum) return Rule.PTE_U_SUPERVISOR;
        if ((want & Access.X) != 0 && strict) return Rule.PTE_U_SUPERVISOR_EXEC;
        return null;
    }

    /**
     * Step 9's A/D update of the leaf (the caller has found one needed), or the fault that prevents it;
     * {@code pteGpa}/{@code pteSpa}: the leaf's address as this stage sees it and the SPA it was read from.
     */
    private int updateAd(long pte, boolean needD, int level, int type, long implicitBits, long va, long pteGpa,
                         long pteSpa, long ppn, int shift, int granted, boolean strict) {
        if (!adUpdate) return pageFault(Rule.PTE_A_OR_D_CLEAR, level, type, va, implicitBits);
        long updated = pte | Pte.A | (needD ? Pte.D : 0);
        long pa = pteSpa;
        if (!gStage && !gWalker.isBare()) {
            // The store is an implicit write for the G stage (Priv "Guest Physical Address Translation").
            int cause = gWalker.translateGpa(pteGpa, type, Access.W, true, true, true);
            if (cause != 0) {
                iotval2 = gWalker.iotval2;
                // The leaf passed its own checks: an IOMMU that translates the GPA first may have set A
                // in the G-stage leaf that maps it (class comment).
                long mask = (1L << shift) - 1;
                gWalker.speculativeGpa(((ppn << 12) & ~mask) | (va & mask), type, granted, strict);
                return cause;
            }
            pa = gWalker.address;
            // What this implicit write set in the G-stage leaf goes with the update it makes possible.
            if (gWalker.leafSpa >= 0) {
                gWalker.latitude(gWalker.leafSpa, (Pte.A | Pte.D) & ~gWalker.leafPte, PhysicalMemory.AD_IF_PERFORMED);
            }
        }
        if (mem.memory().status(pa) == PhysicalMemory.ACCESS_FAULT) {
            return fault(Rule.PTE_ACCESS_FAULT, level, Access.accessFault(type));
        }
        if (!gStage) latitude(pa, updated ^ pte, PhysicalMemory.AD_IF_PERFORMED);
        mem.write(pa, updated, scheme.pteBytes, bigEndian, gStage ? Role.G_STAGE_PTE : Role.FIRST_STAGE_PTE);
        return 0;
    }

    private int success(long va, long ppn, int shift, long pte, int granted) {
        long mask = (1L << shift) - 1;
        address = ((ppn << 12) & ~mask) | (va & mask);
        pageShift = shift;
        pbmt = Pte.pbmt(pte, scheme);
        permissions = granted;
        if ((pte & Pte.G) != 0) global = true;
        return 0;
    }

    private int pageFault(Rule rule, int level, int type, long va, long implicitBits) {
        if (gStage) {
            iotval2 = (va & ~3L) | implicitBits;
            return fault(rule, level, Access.guestPageFault(type));
        }
        return fault(rule, level, Access.pageFault(type));
    }

    private int fault(Rule rule, int level, int cause) {
        mem.trace().decide(rule, level, cause);
        return cause;
    }
}
