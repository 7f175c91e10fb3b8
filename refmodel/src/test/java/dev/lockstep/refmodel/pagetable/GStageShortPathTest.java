package dev.lockstep.refmodel.pagetable;

import static dev.lockstep.refmodel.testutil.PageTables.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.lockstep.refmodel.mem.PhysicalMemory;
import dev.lockstep.refmodel.mem.SparseMemory;
import dev.lockstep.refmodel.regs.Capabilities;
import dev.lockstep.refmodel.testutil.Allocator;
import dev.lockstep.refmodel.testutil.PageTables;
import dev.lockstep.refmodel.testutil.Scenario;
import dev.lockstep.refmodel.trace.TracedMemory;
import dev.lockstep.refmodel.trace.WalkTrace;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link PageTableWalker#translateGpa} takes a short path for the common walk; it must be
 * indistinguishable from the full walk: same cause, same results, same reads recorded in the same
 * order, same writes, same deciding rule. Seeded random G-stage tables whose walked entries get bit
 * flips (V, R, W, X, U, G, A, D, N, PBMT, reserved bits, PPN low bits for superpage alignment),
 * injected access faults and corrupted data, under every x4 scheme, both byte orders, GADE and SXL,
 * for every permission set asked, strict or not, implicit or not.
 */
class GStageShortPathTest {

    static final int CASES = 4000;

    @Test
    void the_short_path_and_the_full_walk_agree_on_everything() {
        int shortPathTaken = 0;
        for (int c = 0; c < CASES; c++) {
            // Each side gets its own copy of the case (same seed): an A/D update by one must not change the other's memory.
            Case k = new Case(new Random(c));
            Walkers shortWalk = new Walkers(k);
            Walkers fullWalk = new Walkers(new Case(new Random(c)));
            int shortCause = shortWalk.g.translateGpa(k.gpa, k.type, k.want, k.strict, k.implicit, k.implicitWrite, true);
            int fullCause = fullWalk.g.translateGpa(k.gpa, k.type, k.want, k.strict, k.implicit, k.implicitWrite, false);
            String where = "case " + c + " " + k + "\nfull walk:\n" + fullWalk.trace;
            assertEquals(fullCause, shortCause, where);
            assertEquals(fullWalk.g.iotval2(), shortWalk.g.iotval2(), where);
            assertEquals(fullWalk.g.global(), shortWalk.g.global(), where);
            if (fullCause == 0) {
                assertEquals(fullWalk.g.address(), shortWalk.g.address(), where);
                assertEquals(fullWalk.g.pageShift(), shortWalk.g.pageShift(), where);
                assertEquals(fullWalk.g.pbmt(), shortWalk.g.pbmt(), where);
                assertEquals(fullWalk.g.permissions(), shortWalk.g.permissions(), where);
            }
            assertSameTrace(fullWalk.trace, shortWalk.trace, where);
            if (k.strict && fullCause == 0 && fullWalk.trace.writeCount() == 0) shortPathTaken++;
        }
        assertTrue(shortPathTaken > CASES / 10, "too few plain walks to exercise the short path: " + shortPathTaken);
    }

    private static void assertSameTrace(WalkTrace expected, WalkTrace actual, String where) {
        assertEquals(expected.toString(), actual.toString(), where);
        assertEquals(expected.readCount(), actual.readCount(), where);
        for (int i = 0; i < expected.readCount(); i++) {
            assertEquals(expected.readAddress(i), actual.readAddress(i), where);
            assertEquals(expected.readValue(i), actual.readValue(i), where);
            assertEquals(expected.readRole(i), actual.readRole(i), where);
            assertEquals(expected.readLevel(i), actual.readLevel(i), where);
            assertEquals(expected.readStatus(i), actual.readStatus(i), where);
        }
        assertEquals(expected.writeCount(), actual.writeCount(), where);
        for (int i = 0; i < expected.writeCount(); i++) {
            assertEquals(expected.writeAddress(i), actual.writeAddress(i), where);
            assertEquals(expected.writeValue(i), actual.writeValue(i), where);
        }
        assertEquals(expected.rule(), actual.rule(), where);
        assertEquals(expected.ruleLevel(), actual.ruleLevel(), where);
        assertEquals(expected.ruleCause(), actual.ruleCause(), where);
    }

    /** A G-stage walker over its own trace, configured for one case. */
    static final class Walkers {
        final WalkTrace trace = new WalkTrace();
        final PageTableWalker g;

        Walkers(Case k) {
            g = PageTableWalker.gStage(new TracedMemory(k.mem, trace), k.caps);
            g.configure(k.scheme, k.rootPpn, k.gade, k.be, k.sxl);
        }
    }

    /** Random G-stage tables, one mapping, some of the walked words damaged. */
    static final class Case {
        final Capabilities caps;
        final SparseMemory mem = new SparseMemory();
        final PagingScheme scheme;
        final long rootPpn;
        final boolean gade, be, sxl;
        final long gpa;
        final int type, want;
        final boolean strict, implicit, implicitWrite;
        private final String text;

        Case(Random r) {
            Capabilities.Builder b = Scenario.fullCaps(false);
            if (r.nextInt(4) == 0) b.set(14); // capabilities.Svrsw60t59b: PTE bits 60:59 for software
            caps = b.build();
            PagingScheme[] schemes = {PagingScheme.SV32, PagingScheme.SV39, PagingScheme.SV48, PagingScheme.SV57};
            scheme = schemes[r.nextInt(schemes.length)];
            sxl = scheme == PagingScheme.SV32 || r.nextInt(8) == 0;
            be = r.nextInt(4) == 0;
            gade = r.nextBoolean();
            type = new int[] {Access.READ, Access.WRITE, Access.EXEC}[r.nextInt(3)];
            want = new int[] {Access.R, Access.R, Access.W, Access.X, Access.R | Access.W, Access.R | Access.X,
                    Access.R | Access.W | Access.X}[r.nextInt(7)];
            strict = r.nextInt(5) != 0;
            implicit = r.nextBoolean();
            implicitWrite = implicit && r.nextBoolean();
            PageTables g = new PageTables(mem, new Allocator(Scenario.TABLES), scheme, true, be);
            rootPpn = g.rootPpn();
            int gpaBits = sxl ? 34 : scheme.vaBits + 2;
            long mapped = (r.nextLong() & ((1L << gpaBits) - 1)) & ~0xfffL;
            int level = r.nextInt(Math.min(3, scheme.levels));
            long mask = (1L << (12 + level * scheme.bitsPerLevel)) - 1;
            long spa = (0x40_0000_0000L + (r.nextLong() & 0xf_ffff_f000L)) & ~mask;
            if (scheme == PagingScheme.SV32) spa &= (1L << 34) - 1;
            long flags = R | W | X | U | A | D;
            if (r.nextInt(3) == 0) flags &= ~(r.nextLong() & (W | X | U | A | D | R));
            g.map(mapped, spa, level, flags);
            long offset = r.nextLong() & mask & ~7L;
            long addr = (mapped & ~mask) | offset;
            if (r.nextInt(10) == 0) addr ^= 1L << r.nextInt(64); // sometimes out of range or unmapped
            gpa = addr;
            long[] path = new long[scheme.levels]; // the walk's entries, found before any is damaged
            for (int at = level; at < scheme.levels; at++) path[at] = g.pteAddress(mapped, at);
            StringBuilder damage = new StringBuilder();
            int n = r.nextInt(3); // 0, 1 or 2 damaged words on the path
            for (int i = 0; i < n; i++) {
                long pteAddress = path[level + r.nextInt(scheme.levels - level)];
                int op = r.nextInt(10);
                if (op == 0) {
                    mem.injectError(pteAddress, PhysicalMemory.ACCESS_FAULT);
                    damage.append(String.format(" access fault at 0x%x;", pteAddress));
                } else if (op == 1) {
                    mem.injectError(pteAddress, PhysicalMemory.DATA_CORRUPTION);
                    damage.append(String.format(" corrupted at 0x%x;", pteAddress));
                } else {
                    long v = g.read(pteAddress);
                    int bit = r.nextBoolean() ? r.nextInt(10) : 53 + r.nextInt(11); // flags, or PBMT/N/reserved
                    if (op == 2) bit = 10 + r.nextInt(9);                           // PPN low bits: alignment
                    g.write(pteAddress, v ^ (1L << bit));
                    damage.append(String.format(" bit %d flipped at 0x%x;", bit, pteAddress));
                }
            }
            text = String.format("%sx4 sxl=%b be=%b gade=%b type=%d want=%d strict=%b implicit=%b/%b gpa=0x%x leaf level %d "
                    + "flags 0x%x%s", scheme, sxl, be, gade, type, want, strict, implicit, implicitWrite, gpa, level, flags, damage);
        }

        @Override public String toString() { return text; }
    }
}
