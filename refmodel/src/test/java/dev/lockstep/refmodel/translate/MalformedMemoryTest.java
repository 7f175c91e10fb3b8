package dev.lockstep.refmodel.translate;

import static dev.lockstep.refmodel.testutil.PageTables.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.lockstep.refmodel.fault.Cause;
import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.refmodel.mem.OverlayMemory;
import dev.lockstep.refmodel.mem.PhysicalMemory;
import dev.lockstep.refmodel.pagetable.Access;
import dev.lockstep.refmodel.pagetable.PagingScheme;
import dev.lockstep.refmodel.regs.IommuMode;
import dev.lockstep.refmodel.testutil.Dc;
import dev.lockstep.refmodel.testutil.PageTables;
import dev.lockstep.refmodel.testutil.Scenario;
import dev.lockstep.refmodel.trace.WalkTrace;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Malformed memory contents never throw: whatever the words the translation process reads hold, it
 * ends in a Success or in one of the causes the spec gives its steps (IOMMU "Process to translate an
 * IOVA", GET_DC, GET_PC, the privileged spec's translation algorithm, MSI_TRANS), and its explanation
 * names a rule with that same cause.
 *
 * <p>Seeded mutation fuzzing: each world is a valid configuration picked at random (DDT mode, byte
 * order, PDT mode, first-stage and G-stage schemes, page size, permissions, MSI page table, request
 * type); the words one valid translation read are then replaced, one to three at a time, with bit
 * flips, random values, 0 or all-ones, or made to answer an access fault or corrupted data, through
 * an {@link OverlayMemory} so the world itself stays intact. The same seeds run every time.
 */
class MalformedMemoryTest {

    static final int WORLDS = 400;
    static final int MUTATIONS_PER_WORLD = 40;

    /** Every cause the translation process can report (not 4/6: no misaligned requests; not 264/271/272/273: MRIF delivery, IOMMU-internal and MSI-write errors). */
    static final Set<Integer> PROCESS_CAUSES = Set.of(
            Cause.INSTRUCTION_ACCESS_FAULT, Cause.READ_ACCESS_FAULT, Cause.WRITE_ACCESS_FAULT,
            Cause.INSTRUCTION_PAGE_FAULT, Cause.READ_PAGE_FAULT, Cause.WRITE_PAGE_FAULT,
            Cause.INSTRUCTION_GUEST_PAGE_FAULT, Cause.READ_GUEST_PAGE_FAULT, Cause.WRITE_GUEST_PAGE_FAULT,
            Cause.ALL_INBOUND_DISALLOWED, Cause.DDT_LOAD_ACCESS_FAULT, Cause.DDT_ENTRY_NOT_VALID,
            Cause.DDT_ENTRY_MISCONFIGURED, Cause.TRANSACTION_TYPE_DISALLOWED, Cause.MSI_PTE_LOAD_ACCESS_FAULT,
            Cause.MSI_PTE_NOT_VALID, Cause.MSI_PTE_MISCONFIGURED, Cause.PDT_LOAD_ACCESS_FAULT,
            Cause.PDT_ENTRY_NOT_VALID, Cause.PDT_ENTRY_MISCONFIGURED, Cause.DDT_DATA_CORRUPTION,
            Cause.PDT_DATA_CORRUPTION, Cause.MSI_PT_DATA_CORRUPTION, Cause.PT_DATA_CORRUPTION);

    /** The faults an ATS translation request completes as a Success with R=W=0 (IOMMU ATS_FAULTS). */
    static final Set<Integer> ATS_SUCCESS_FAULTS = Set.of(
            Cause.INSTRUCTION_PAGE_FAULT, Cause.READ_PAGE_FAULT, Cause.WRITE_PAGE_FAULT,
            Cause.INSTRUCTION_GUEST_PAGE_FAULT, Cause.READ_GUEST_PAGE_FAULT, Cause.WRITE_GUEST_PAGE_FAULT,
            Cause.MSI_PTE_NOT_VALID, Cause.PDT_ENTRY_NOT_VALID);

    static final Set<Integer> GUEST_PAGE_FAULTS = Set.of(
            Cause.INSTRUCTION_GUEST_PAGE_FAULT, Cause.READ_GUEST_PAGE_FAULT, Cause.WRITE_GUEST_PAGE_FAULT);

    @Test
    void corrupted_structures_end_in_a_success_or_a_spec_fault() {
        TreeMap<Integer, Integer> seen = new TreeMap<>();
        int successes = 0;
        for (int seed = 1; seed <= WORLDS; seed++) {
            Random r = new Random(seed);
            World w = World.random(r);
            Translator t = w.s.translator();
            Outcome valid = t.translate(w.request, w.s.ddtp(), w.s.fctl()).copy();
            List<Long> words = readWords(valid.trace());
            OverlayMemory overlay = new OverlayMemory(w.s.mem);
            t.memory(overlay);
            for (int m = 0; m < MUTATIONS_PER_WORLD; m++) {
                overlay.clear();
                String change = mutate(r, words, overlay, w.s.mem);
                String where = "world " + seed + " (" + w + "), mutation " + m + ": " + change;
                Outcome o;
                try {
                    o = t.translate(w.request, w.s.ddtp(), w.s.fctl());
                } catch (RuntimeException e) {
                    throw new AssertionError(where + " threw " + e, e);
                }
                check(o, w.request, where);
                if (o.isSuccess()) successes++;
                else seen.merge(o.cause(), 1, Integer::sum);
            }
            t.memory(w.s.mem);
        }
        // The fuzzing is only worth its name if it reaches every step: each cause shows up (but 256,
        // which needs ddtp.iommu_mode = Off rather than any memory contents).
        Set<Integer> expected = new TreeSet<>(PROCESS_CAUSES);
        expected.remove(Cause.ALL_INBOUND_DISALLOWED);
        assertEquals(expected, seen.keySet(), "causes reached (count): " + seen);
        assertTrue(successes > 0, "no mutation left the translation successful");
    }

    /** The invariants of any outcome. */
    private static void check(Outcome o, Request r, String where) {
        WalkTrace trace = o.trace();
        if (o.isSuccess()) {
            assertEquals(o.cause(), trace.ruleCause(), where + ": the explanation's rule names another cause\n" + o);
            if (o.cause() != 0) {
                // ATS: these faults complete as a Success with R=W=0 ("PCIe ATS translation request handling").
                assertTrue(r.isAts() && ATS_SUCCESS_FAULTS.contains(o.cause()), where + ": a success with cause " + o.cause() + "\n" + o);
                assertEquals(0, o.permissions(), where + ": an ATS success after a fault grants nothing\n" + o);
                assertFalse(o.recordFault(), where + ": an ATS success after a fault writes no fault record\n" + o);
                return;
            }
            assertEquals(0, o.iotval2(), where);
            if (!r.isAts()) {
                assertEquals(Access.permissionFor(accessType(r)), o.permissions(), where + ": success without exactly the access asked for\n" + o);
            }
            return;
        }
        assertTrue(PROCESS_CAUSES.contains(o.cause()), where + ": cause " + o.cause() + " is not one the process reports\n" + o);
        assertEquals(o.cause(), trace.ruleCause(), where + ": the explanation's rule names another cause\n" + o);
        if (!GUEST_PAGE_FAULTS.contains(o.cause())) assertEquals(0, o.iotval2(), where + ": iotval2 outside a guest-page fault\n" + o);
        assertEquals(r.type(), o.ttyp(), where);
        assertEquals(r.deviceId(), o.deviceId(), where);
        assertEquals(r.iova(), o.iotval(), where);
    }

    private static int accessType(Request r) {
        return Ttyp.isExec(r.type()) ? Access.EXEC : Ttyp.isWrite(r.type()) ? Access.WRITE : Access.READ;
    }

    /** The distinct 8-byte words a translation read, in order. */
    private static List<Long> readWords(WalkTrace t) {
        TreeSet<Long> seen = new TreeSet<>();
        List<Long> words = new ArrayList<>();
        for (int i = 0; i < t.readCount(); i++) {
            long a = t.readAddress(i) & ~7L;
            if (seen.add(a)) words.add(a);
        }
        return words;
    }

    /** Replaces one to three of {@code words} in {@code overlay}; returns what it did. */
    private static String mutate(Random r, List<Long> words, OverlayMemory overlay, PhysicalMemory base) {
        StringBuilder change = new StringBuilder();
        int n = r.nextInt(10) < 7 ? 1 : 2 + r.nextInt(2);
        for (int i = 0; i < n; i++) {
            long pa = words.get(r.nextInt(words.size()));
            long v = base.load64(pa);
            int op = r.nextInt(16);
            if (op == 0) {
                overlay.status(pa, PhysicalMemory.ACCESS_FAULT);
                change.append(String.format("0x%x access fault; ", pa));
                continue;
            }
            if (op == 1) {
                overlay.status(pa, PhysicalMemory.DATA_CORRUPTION);
                change.append(String.format("0x%x corrupted; ", pa));
                continue;
            }
            long nv = switch (op) {
                case 2 -> 0;
                case 3 -> -1L;
                case 4, 5 -> r.nextLong();
                case 6, 7 -> r.nextLong() | 1;      // valid, everything else random
                default -> v ^ (1L << r.nextInt(64)); // one bit flipped: reaches one check at a time
            };
            overlay.replace(pa, nv);
            change.append(String.format("0x%x: 0x%x -> 0x%x; ", pa, v, nv));
        }
        return change.toString();
    }

    /** A valid configuration and a request picked at random. */
    static final class World {
        final Scenario s;
        final Request request;
        private final String description;

        private World(Scenario s, Request request, String description) {
            this.s = s;
            this.request = request;
            this.description = description;
        }

        @Override public String toString() { return description; }

        static World random(Random r) {
            boolean msi = r.nextBoolean();
            IommuMode mode = pick(r, IommuMode.LVL1, IommuMode.LVL2, IommuMode.LVL3);
            Scenario s = new Scenario(Scenario.fullCaps(msi).build(), mode);
            s.be = r.nextInt(4) == 0;
            boolean sbe = r.nextInt(4) == 0;
            PagingScheme gs = pick(r, PagingScheme.BARE, PagingScheme.SV39, PagingScheme.SV48, PagingScheme.SV57);
            PagingScheme fs = pick(r, PagingScheme.BARE, PagingScheme.SV39, PagingScheme.SV48, PagingScheme.SV57);
            int pdtMode = r.nextInt(4); // 0: no PDT, else PD8/PD17/PD20
            int didBits = mode == IommuMode.LVL1 ? 6 : mode == IommuMode.LVL2 ? 15 : 24;
            int did = r.nextInt(1 << didBits);
            int pidBits = pdtMode == 1 ? 8 : pdtMode == 2 ? 17 : 20;
            int pid = r.nextInt(1 << pidBits);

            PageTables g = gs == PagingScheme.BARE ? null : s.gStage(gs);
            Dc dc = new Dc();
            if (g != null) dc.iohgatp(gs.levels + 5, r.nextInt(1 << 16), g.rootPpn()); // Sv39x4 8, Sv48x4 9, Sv57x4 10
            if (r.nextBoolean()) dc.tc(Dc.EN_ATS | (g != null && r.nextBoolean() ? Dc.T2GPA : 0));
            if (r.nextBoolean()) dc.tc(Dc.SADE | Dc.GADE);
            if (r.nextInt(8) == 0) dc.tc(Dc.DTF);
            if (sbe) dc.tc(Dc.SBE);

            PageTables f = fs == PagingScheme.BARE ? null : s.firstStage(fs, sbe);
            int fsMode = fs == PagingScheme.BARE ? 0 : fs.levels + 5;
            long fsPpn = f == null ? 0 : f.rootPpn();
            if (pdtMode != 0) {
                Scenario.Pdt pdt = s.pdt(pdtMode, sbe);
                pdt.writePc(pid, r.nextBoolean(), r.nextBoolean(), r.nextInt(1 << 20), fsMode, fsPpn);
                dc.tc(Dc.PDTV | (r.nextBoolean() ? Dc.DPE : 0)).fsc(pdtMode, pdt.ppn());
            } else {
                dc.fsc(fsMode, fsPpn).pscid(r.nextInt(1 << 20));
            }

            // One mapping: IOVA -> GPA (first stage, at a random level) -> SPA (G stage, 4 KiB).
            long iova = (r.nextLong() & ((1L << 38) - 1)) & ~7L;
            long gpa = 0x2_0000_0000L + ((r.nextLong() & 0xff_ffffL) << 12) + (iova & 0xfff);
            long flags = V | R | W | X | U | A | D;
            if (r.nextInt(3) == 0) flags &= ~(r.nextLong() & (W | X | U | A | D)); // some missing permissions
            if (f != null) {
                int level = r.nextInt(fs.levels);
                long mask = (1L << (12 + 9 * level)) - 1;
                gpa = (gpa & ~mask) | (iova & mask);
                f.map(iova, gpa & ~mask, level, flags);
            } else {
                gpa = iova;
            }
            if (g != null) g.map(gpa & ~0xfffL, 0x40_0000_0000L + (gpa & 0xff_ffff_f000L), 0, V | R | W | X | U | A | D);
            if (msi && g != null && r.nextBoolean()) {
                // An MSI page table whose interrupt files include the GPA's page (mask 0: one file).
                long table = s.alloc.page();
                dc.msi(1, table >>> 12, 0, (gpa >>> 12) & ((1L << 52) - 1));
                s.write64(table, ((0x50_0000_0000L >>> 12) << 10) | (3 << 1) | 1, s.be);
            }
            s.writeDc(did, dc);

            int type = pickType(r, Ttyp.UNTRANSLATED_READ, Ttyp.UNTRANSLATED_WRITE, Ttyp.UNTRANSLATED_EXEC,
                    Ttyp.TRANSLATED_READ, Ttyp.TRANSLATED_WRITE, Ttyp.ATS_TRANSLATION);
            Request req = type == Ttyp.ATS_TRANSLATION ? Request.ats(did, iova, r.nextBoolean(), r.nextBoolean())
                    : Request.of(type, did, iova);
            if (pdtMode != 0 && r.nextInt(4) != 0) req = req.withProcess(pid, r.nextBoolean());
            String description = String.format("%s be=%b sbe=%b G %s first %s pdt %d did 0x%x ttyp %d iova 0x%x", mode,
                    s.be, sbe, gs.gStageName(), fs.firstStageName(), pdtMode, did, type, iova);
            return new World(s, req, description);
        }

        @SafeVarargs
        private static <T> T pick(Random r, T... values) { return values[r.nextInt(values.length)]; }

        private static int pickType(Random r, int... values) { return values[r.nextInt(values.length)]; }
    }
}
