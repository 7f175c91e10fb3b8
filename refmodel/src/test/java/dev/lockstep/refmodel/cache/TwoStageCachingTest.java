package dev.lockstep.refmodel.cache;

import static dev.lockstep.refmodel.regs.RegisterFile.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.lockstep.refmodel.TranslationOutcome;
import dev.lockstep.refmodel.TranslationRequest;
import dev.lockstep.refmodel.TaggedEntries;
import dev.lockstep.refmodel.command.Commands;
import dev.lockstep.refmodel.fault.Cause;
import dev.lockstep.refmodel.fault.FaultRecord;
import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.refmodel.mem.PhysicalMemory;
import dev.lockstep.refmodel.pagetable.PagingScheme;
import dev.lockstep.refmodel.regs.Capabilities;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.refmodel.regs.IommuMode;
import dev.lockstep.refmodel.testsupport.TestSystem;
import dev.lockstep.refmodel.testutil.Allocator;
import dev.lockstep.refmodel.testutil.Dc;
import dev.lockstep.refmodel.testutil.PageTables;
import dev.lockstep.refmodel.translate.ProcessTranslator;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The caching model over the full translation process with a second stage and a process directory
 * (spec "Caching in-memory data structures", IOTINVAL.VMA/GVMA, IODIR): which completed invalidation
 * covers a G-stage PTE, a first-stage PTE of a VM, a PC and a DC; A/D updates; fault records of a
 * real two-stage walk.
 */
class TwoStageCachingTest {

    private static final long DDT = 0x100000;
    private static final long TABLES = 0x200000;
    private static final int TABLE_PAGES = 64;
    private static final int DID = 3, DID_PDT = 4, GSCID = 7, PSCID = 9, PC_PSCID = 11, PID = 5;
    private static final long IOVA = 0x1000_0000L, GPA = 0x4000_0000L, SPA = 0x9000_0000L;
    private static final long GPA2 = 0x4000_1000L, SPA2 = 0xb000_0000L;
    private static final long RWUAD = PageTables.R | PageTables.W | PageTables.U | PageTables.A | PageTables.D;

    private final TestSystem s = new TestSystem(IommuConfig.defaults(Capabilities.builder().sv39().sv39x4().amoHwad()
            .ats().msiFlat().igs(Capabilities.IGS_BOTH).hpm().pas(48).pd8().nl().s().build()), true);

    /** Software's stores go through the facade, so the caching model sees every version. */
    private final PhysicalMemory software = new PhysicalMemory() {
        @Override public int status(long pa) { return s.memory.status(pa); }
        @Override public long load64(long pa) { return s.memory.load64(pa); }
        @Override public void store64(long pa, long value) { s.iommu.softwareWrite64(pa, value); }
    };

    private final Allocator alloc = new Allocator(TABLES);
    private final PageTables g = new PageTables(software, alloc, PagingScheme.SV39, true, false);
    private final PageTables s1;
    private final TranslationRequest req = TranslationRequest.untranslated(DID, IOVA, false);

    TwoStageCachingTest() {
        s.enableCq(4, false);
        s.enableFq(4, false);
        s.write(DDTP, (DDT >>> 12) << 10 | IommuMode.LVL1.encoding);
        for (int i = 0; i < TABLE_PAGES; i++) g.map(TABLES + 4096L * i, TABLES + 4096L * i, 0, RWUAD | PageTables.X);
        g.map(GPA, SPA, 0, RWUAD);
        g.map(GPA2, SPA2, 0, RWUAD);
        s1 = new PageTables(software, alloc, PagingScheme.SV39, false, false);
        s1.map(IOVA, GPA, 0, RWUAD);
        writeDc(DID, new Dc().iohgatp(8, GSCID, g.rootPpn()).pscid(PSCID).fsc(8, s1.rootPpn()));
        fence(Commands.iodirInvalDdt(false, 0), Commands.iotinval(true, false, 0, false, 0, false, 0, false, false));
    }

    private void writeDc(int did, Dc dc) {
        long a = DDT + 64L * did;
        long[] dw = dc.dwords(true);
        for (int i = dw.length - 1; i >= 0; i--) s.iommu.softwareWrite64(a + 8L * i, dw[i]); // tc (V) last
    }

    private void fence(long[]... cmds) {
        long[][] all = java.util.Arrays.copyOf(cmds, cmds.length + 1);
        all[cmds.length] = Commands.iofenceC(false, 0, 0, false, false, false);
        s.submit(all);
    }

    private static long[] vma(boolean gv, int gscid, boolean pscv, int pscid, boolean av, long addr) {
        return Commands.iotinval(false, av, addr, pscv, pscid, gv, gscid, false, false);
    }

    private static long[] gvma(boolean gv, int gscid, boolean av, long gpa) {
        return Commands.iotinval(true, av, gpa, false, 0, gv, gscid, false, false);
    }

    /** Permitted outcomes as page addresses, a fault as minus its cause. */
    private Set<Long> permitted(TranslationRequest r) {
        Set<Long> out = new TreeSet<>();
        for (TranslationOutcome o : s.iommu.permittedOutcomes(r)) out.add(o.fault() ? -o.record().cause() : o.pa() & ~0xfffL);
        return out;
    }

    @Test
    void translatesThroughBothStages() {
        TranslationOutcome o = s.iommu.translate(TranslationRequest.untranslated(DID, IOVA | 0x123, true));
        // an untranslated access is granted the one permission it needs (the process checks only that one)
        assertEquals(TranslationOutcome.success(SPA | 0x123, TranslationOutcome.W, 0, 12), o);
        assertEquals(Set.of(SPA), permitted(req));
    }

    @Test
    void gStageChangeNeedsGvmaForThatGscid() {
        g.map(GPA, 0xa000_0000L, 0, RWUAD);
        assertEquals(Set.of(SPA, 0xa000_0000L), permitted(req), "no IOTINVAL.GVMA yet: old and new");
        fence(vma(true, GSCID, false, 0, false, 0), vma(false, 0, false, 0, false, 0));
        assertEquals(2, permitted(req).size(), "IOTINVAL.VMA does not cover G-stage entries");
        fence(gvma(true, GSCID + 1, false, 0), gvma(true, GSCID, true, GPA + 0x1000));
        assertEquals(2, permitted(req).size(), "other GSCID, other GPA");
        s.submit(gvma(true, GSCID, true, GPA));
        assertEquals(2, permitted(req).size(), "not until the IOFENCE.C completes");
        s.submit(Commands.iofenceC(false, 0, 0, false, false, false));
        assertEquals(Set.of(0xa000_0000L), permitted(req));
    }

    @Test
    void firstStageChangeInAVmNeedsVmaWithGvAndItsGscid() {
        s1.map(IOVA, GPA2, 0, RWUAD);
        assertEquals(Set.of(SPA, SPA2), permitted(req));
        fence(vma(false, 0, false, 0, false, 0),              // GV=0: host address spaces only
                vma(true, GSCID + 1, false, 0, false, 0),      // another VM
                vma(true, GSCID, true, PSCID + 1, false, 0),   // another process of the VM
                vma(true, GSCID, true, PSCID, true, IOVA + 0x1000),
                gvma(true, GSCID, false, 0),                   // G stage only
                Commands.iodirInvalDdt(false, 0));
        assertEquals(2, permitted(req).size());
        fence(vma(true, GSCID, true, PSCID, true, IOVA));
        assertEquals(Set.of(SPA2), permitted(req));
    }

    @Test
    void processContextChangeNeedsIodirInvalPdt() {
        long root = alloc.page();
        long pc = root + 16L * PID;
        s.iommu.softwareWrite64(pc, 1 | ((long) PC_PSCID << 12));
        s.iommu.softwareWrite64(pc + 8, (8L << 60) | s1.rootPpn());
        writeDc(DID_PDT, new Dc().tc(Dc.PDTV).iohgatp(8, GSCID, g.rootPpn()).fsc(1, root >>> 12));
        fence(Commands.iodirInvalDdt(true, DID_PDT));
        TranslationRequest r = new TranslationRequest(DID_PDT, true, PID, false, Ttyp.UNTRANSLATED_READ, IOVA);
        assertEquals(Set.of(SPA), permitted(r));

        PageTables other = new PageTables(software, alloc, PagingScheme.SV39, false, false);
        other.map(IOVA, GPA2, 0, RWUAD);
        s.iommu.softwareWrite64(pc + 8, (8L << 60) | other.rootPpn());
        assertEquals(Set.of(SPA, SPA2), permitted(r));
        fence(Commands.iodirInvalPdt(DID_PDT, PID + 1), Commands.iodirInvalPdt(DID, PID),
                vma(true, GSCID, false, 0, false, 0), gvma(false, 0, false, 0));
        assertEquals(2, permitted(r).size(), "other process, other device, IOTINVAL: the PC stays cached");
        fence(Commands.iodirInvalPdt(DID_PDT, PID));
        assertEquals(Set.of(SPA2), permitted(r));
    }

    @Test
    void processDirectoryWalkIsTaggedByDeviceAndProcessAndItsGStageByGpa() {
        long root = alloc.page();
        long pc = root + 16L * PID;
        s.iommu.softwareWrite64(pc, 1 | ((long) PC_PSCID << 12));
        s.iommu.softwareWrite64(pc + 8, (8L << 60) | s1.rootPpn());
        writeDc(DID_PDT, new Dc().tc(Dc.PDTV).iohgatp(8, GSCID, g.rootPpn()).fsc(1, root >>> 12));
        TranslationRequest r = new TranslationRequest(DID_PDT, true, PID, false, Ttyp.UNTRANSLATED_READ, IOVA);
        TaggedEntries t = new TaggedEntries();
        ProcessTranslator p = new ProcessTranslator(s.iommu.config());
        assertEquals(SPA, p.translate(r, s.iommu.caching().liveContext(), t).pa());
        Set<Long> gLeafGpas = new TreeSet<>();
        int dcs = 0, pcs = 0, s1s = 0;
        for (int i = 0; i < t.size(); i++) {
            switch (t.role(i)) {
                case TaggedEntries.DC -> { dcs++; assertEquals(64, t.bytes(i)); assertEquals(DID_PDT, t.deviceId(i)); }
                case TaggedEntries.PC -> {
                    pcs++;
                    assertEquals(pc, t.pa(i));
                    assertEquals(16, t.bytes(i));
                    assertEquals(PID, t.processId(i));
                }
                case TaggedEntries.S1_PTE -> {
                    s1s++;
                    assertEquals(GSCID, t.gscid(i));
                    assertEquals(PC_PSCID, t.pscid(i), "the PC's PSCID");
                    assertEquals(IOVA, t.address(i));
                    assertTrue((t.flags(i) & TaggedEntries.GV) != 0);
                }
                case TaggedEntries.G_PTE -> {
                    assertEquals(GSCID, t.gscid(i));
                    if ((t.flags(i) & TaggedEntries.LEAF) != 0) {
                        assertEquals(12, t.regionLog2(i));
                        gLeafGpas.add(t.address(i));
                    }
                }
                default -> { }
            }
        }
        assertEquals(1, dcs);
        assertEquals(1, pcs);
        assertEquals(3, s1s);
        // G-stage leaves were read for the PC's GPA, the three first-stage PTEs' GPAs and the final GPA.
        assertTrue(gLeafGpas.contains(pc & ~0xfffL));
        assertTrue(gLeafGpas.contains(s1.pteAddress(IOVA, 2) & ~0xfffL));
        assertTrue(gLeafGpas.contains(s1.pteAddress(IOVA, 0) & ~0xfffL));
        assertTrue(gLeafGpas.contains(GPA));
        assertTrue(t.gscidValid());
        assertEquals(GSCID, t.gscid());
        assertTrue(t.pscidValid());
        assertEquals(PC_PSCID, t.pscid());
    }

    @Test
    void deviceContextChangeNeedsIodirInvalDdt() {
        s.iommu.softwareWrite64(DDT + 64L * DID, 0); // tc.V=0
        assertEquals(Set.of((long) -Cause.DDT_ENTRY_NOT_VALID, SPA), permitted(req));
        fence(Commands.iodirInvalPdt(DID, 0), vma(true, GSCID, false, 0, false, 0), gvma(false, 0, false, 0),
                Commands.iodirInvalDdt(true, DID + 1));
        assertEquals(2, permitted(req).size());
        fence(Commands.iodirInvalDdt(true, DID));
        assertEquals(Set.of((long) -Cause.DDT_ENTRY_NOT_VALID), permitted(req));
        assertEquals(Cause.DDT_ENTRY_NOT_VALID, s.iommu.translate(req).record().cause());
    }

    @Test
    void accessedAndDirtyUpdatesOfBothStagesAreMemoryWrites() {
        long iova = IOVA + 0x5000, gpa = GPA + 0x5000, spa = 0xc000_0000L;
        long gPte = g.map(gpa, spa, 0, PageTables.R | PageTables.W | PageTables.U);
        long s1Pte = s1.map(iova, gpa, 0, PageTables.R | PageTables.W | PageTables.U);
        writeDc(DID, new Dc().tc(Dc.SADE | Dc.GADE).iohgatp(8, GSCID, g.rootPpn()).pscid(PSCID).fsc(8, s1.rootPpn()));
        fence(Commands.iodirInvalDdt(true, DID));
        s.sink.clear();
        TranslationOutcome o = s.iommu.translate(TranslationRequest.untranslated(DID, iova, true));
        assertEquals(spa, o.pa(), o.toString());
        long ad = PageTables.A | PageTables.D;
        assertEquals(ad, s.memory.load64(s1Pte) & ad, "first-stage A/D set (SADE)");
        assertEquals(ad, s.memory.load64(gPte) & ad, "G-stage A/D set (GADE)");
        assertEquals(2, s.sink.count("write kind=" + dev.lockstep.refmodel.effect.EffectSink.WRITE_AD_UPDATE));
        assertTrue(s.sink.events.contains("write kind=5 pa=0x" + Long.toHexString(s1Pte) + " size=8 value=0x"
                + Long.toHexString(s.memory.load64(s1Pte))));
        assertTrue(s.sink.events.contains("write kind=5 pa=0x" + Long.toHexString(gPte) + " size=8 value=0x"
                + Long.toHexString(s.memory.load64(gPte))));
        s.sink.clear();
        s.iommu.translate(TranslationRequest.untranslated(DID, iova, true));
        assertEquals(0, s.sink.count("write kind=5"), "nothing left to update");
    }

    @Test
    void guestPageFaultOfAnImplicitAccessReachesTheFaultQueue() {
        long rootGpa = s1.rootPpn() << 12;
        long ptePa = rootGpa + 8 * s1.index(IOVA, 2);
        g.set(rootGpa, 0, 0); // the first-stage root page is no longer mapped by the G stage
        fence(gvma(true, GSCID, true, rootGpa));
        TranslationOutcome o = s.iommu.translate(req);
        FaultRecord expected = new FaultRecord(Cause.READ_GUEST_PAGE_FAULT, Ttyp.UNTRANSLATED_READ, DID, false, 0, false,
                IOVA, ptePa | FaultRecord.IOTVAL2_IMPLICIT);
        assertEquals(TranslationOutcome.fault(expected, true), o);
        assertEquals(1, s.read(FQT));
        assertEquals(expected, s.faultRecord(0));
        assertEquals(s.memory.load64(TestSystem.FQ_BASE), expected.dword0());
    }

    @Test
    void processFaultRecordCarriesPvPidAndPriv() {
        long root = alloc.page();
        long pc = root + 16L * PID;
        s.iommu.softwareWrite64(pc, 1 | ((long) PC_PSCID << 12));                 // ENS=0
        s.iommu.softwareWrite64(pc + 8, (8L << 60) | s1.rootPpn());
        writeDc(DID_PDT, new Dc().tc(Dc.PDTV).iohgatp(8, GSCID, g.rootPpn()).fsc(1, root >>> 12));
        fence(Commands.iodirInvalDdt(true, DID_PDT));
        TranslationRequest r = new TranslationRequest(DID_PDT, true, PID, true, Ttyp.UNTRANSLATED_WRITE, IOVA + 8);
        TranslationOutcome o = s.iommu.translate(r);
        FaultRecord expected = new FaultRecord(Cause.TRANSACTION_TYPE_DISALLOWED, Ttyp.UNTRANSLATED_WRITE, DID_PDT,
                true, PID, true, IOVA + 8, 0);
        assertEquals(TranslationOutcome.fault(expected, true), o);
        assertEquals(expected, s.faultRecord(0));
    }

    @Test
    void dtfSuppressesTheRecord() {
        s.iommu.softwareWrite64(DDT + 64L * DID, Dc.V | Dc.DTF);
        fence(Commands.iodirInvalDdt(true, DID));
        s1.set(IOVA, 0, 0);
        fence(vma(true, GSCID, false, 0, false, 0));
        TranslationOutcome o = s.iommu.translate(req);
        assertTrue(o.fault());
        assertFalse(o.reported());
        assertEquals(Cause.READ_PAGE_FAULT, o.record().cause());
        assertEquals(0, s.read(FQT));
    }

    @Test
    void msiPteChangeNeedsGvma() {
        long msiGpa = 0x2800_0000L, msiIova = 0x2000_0000L, msiPt = alloc.page();
        s1.map(msiIova, msiGpa, 0, RWUAD);
        s.iommu.softwareWrite64(msiPt, 1 | (3 << 1) | ((0xd000_0000L >>> 12) << 10));
        writeDc(DID, new Dc().iohgatp(8, GSCID, g.rootPpn()).pscid(PSCID).fsc(8, s1.rootPpn())
                .msi(1, msiPt >>> 12, 0, msiGpa >>> 12));
        fence(Commands.iodirInvalDdt(true, DID));
        TranslationRequest r = TranslationRequest.untranslated(DID, msiIova, true);
        assertEquals(Set.of(0xd000_0000L), permitted(r));
        s.iommu.softwareWrite64(msiPt, 1 | (3 << 1) | ((0xe000_0000L >>> 12) << 10));
        assertEquals(Set.of(0xd000_0000L, 0xe000_0000L), permitted(r));
        fence(vma(true, GSCID, false, 0, false, 0), gvma(true, GSCID, true, msiGpa + 0x1000));
        assertEquals(2, permitted(r).size());
        fence(gvma(true, GSCID, true, msiGpa));
        assertEquals(Set.of(0xe000_0000L), permitted(r));
    }

    @Test
    void pageRequestsAreAdmittedByTheDeviceContext() {
        s.enablePq(4, false);
        s.iommu.pageRequest(DID, false, 0, false, false, 0x5000 | 4 | 1); // EN_PRI=0: Invalid Request
        assertTrue(s.sink.events.stream().anyMatch(e -> e.startsWith("prgr") && e.contains("code=1 auto")), s.sink.events.toString());
        writeDc(DID, new Dc().tc(Dc.EN_ATS | Dc.EN_PRI).iohgatp(8, GSCID, g.rootPpn()).pscid(PSCID).fsc(8, s1.rootPpn()));
        fence(Commands.iodirInvalDdt(true, DID));
        s.iommu.pageRequest(DID, false, 0, false, false, 0x5000 | 4 | 1);
        assertEquals(1, s.read(PQT), "EN_PRI=1: queued");
    }
}
