package dev.lockstep.refmodel;

import static dev.lockstep.refmodel.regs.RegisterFile.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.lockstep.refmodel.command.Commands;
import dev.lockstep.refmodel.fault.Cause;
import dev.lockstep.refmodel.fault.FaultRecord;
import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.refmodel.mem.SparseMemory;
import dev.lockstep.refmodel.regs.Capabilities;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.refmodel.regs.IommuMode;
import dev.lockstep.refmodel.testsupport.RecordingSink;
import dev.lockstep.refmodel.testsupport.SimpleTranslator;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Plays the Linux RISC-V IOMMU driver's sequence (v3 series: probe, queues, DDT mode discovery,
 * attach, map, unmap with invalidation, detach to a blocking domain, re-initialisation of an IOMMU
 * left enabled, teardown) against the model alone. {@link LinuxDriverScenarioProcessTest} plays it over
 * the full translation process.
 */
class LinuxDriverScenarioTest {

    /** The hardware: Sv39/Sv48, WSI and MSI, HPM, DBG; DDT modes up to 2LVL; queues up to 1024 entries. */
    private final IommuConfig config = IommuConfig.defaults(Capabilities.builder().sv39().sv48().igs(Capabilities.IGS_BOTH)
                    .hpm().dbg().pas(48).pd8().pd17().pd20().build())
            .withSupportedModes(EnumSet.of(IommuMode.OFF, IommuMode.BARE, IommuMode.LVL1, IommuMode.LVL2))
            .withQueueLog2SzMax(9, 9, 9);
    private final SparseMemory memory = new SparseMemory();
    private final RecordingSink sink = new RecordingSink();
    private final Iommu iommu = newIommu(config, memory, sink);

    /** The model under test: the facade over the small stand-in translator (overridden for the translation process). */
    protected Iommu newIommu(IommuConfig config, SparseMemory memory, RecordingSink sink) {
        return new Iommu(config, memory, new SimpleTranslator(), sink);
    }

    /** The driver's state. */
    private long nextPage = 0x100000;
    private long caps;
    private long cqBase, fqBase;
    private int cqEntries, fqEntries;
    private IommuMode ddtMode;
    private long ddtRoot;
    private int fqHead;

    private static final int DEV = 0x0123;
    private static final int PSCID = 5;
    private long ptRoot;

    private long allocPage() {
        long p = nextPage;
        nextPage += 0x1000;
        return p;
    }

    private long readq(int off) { return iommu.mmioRead(off, 8); }
    private long readl(int off) { return iommu.mmioRead(off, 4); }
    private void writeq(int off, long v) { iommu.mmioWrite(off, 8, v); }
    private void writel(int off, long v) { iommu.mmioWrite(off, 4, v); }
    private void store(long pa, long v) { iommu.softwareWrite64(pa, v); }

    // ---------------------------------------------------------------- driver functions

    /** riscv_iommu_init_check: busy, left-enabled IOMMU, byte order. */
    private void initCheck() {
        caps = readq(CAPABILITIES);
        assertEquals(0x10, caps & 0xff, "version 1.0");
        long ddtp = readq(DDTP);
        assertEquals(0, ddtp & DDTP_BUSY);
        if ((ddtp & DDTP_MODE_MASK) > IommuMode.BARE.encoding) disable(); // kexec: previous kernel left it on
        long fctl = readl(FCTL);
        assertEquals(0, fctl & IommuConfig.FCTL_BE, "little-endian CPU, fctl.BE already 0");
        // wired interrupts when both are possible (IGS=BOTH): set fctl.WSI and read back
        writel(FCTL, fctl | IommuConfig.FCTL_WSI);
        assertEquals(IommuConfig.FCTL_WSI, readl(FCTL) & IommuConfig.FCTL_WSI);
    }

    /** riscv_iommu_disable: ddtp Off, queues off. */
    private void disable() {
        writeq(DDTP, readq(DDTP) & ~DDTP_MODE_MASK | IommuMode.OFF.encoding);
        writel(CQCSR, 0);
        writel(FQCSR, 0);
        writel(PQCSR, 0);
        waitIdle();
    }

    private void waitIdle() {
        for (int i = 0; i < 1000; i++) {
            if ((readq(DDTP) & DDTP_BUSY) == 0 && (readl(CQCSR) & CQCSR_BUSY) == 0 && (readl(FQCSR) & QCSR_BUSY) == 0) return;
        }
        fail("busy never cleared");
    }

    /** riscv_iommu_queue_alloc: WARL-discover the size by writing LOG2SZ-1 and reading back. */
    private int queueAlloc(int qbOffset, int wantLog2) {
        long base = allocPage();
        for (int i = 0; i < 7; i++) allocPage(); // enough pages for the largest size the driver asks
        writeq(qbOffset, (base >>> 12) << 10 | (wantLog2 - 1));
        long qb = readq(qbOffset);
        assertEquals((base >>> 12) << 10, qb & QB_PPN_MASK, "PPN kept");
        int entries = 1 << ((qb & QB_LOG2SZ_MASK) + 1);
        if (qbOffset == CQB) cqBase = base; else fqBase = base;
        return entries;
    }

    /** riscv_iommu_queue_enable: set en (+ie), wait for busy to clear and on to be set. */
    private void queueEnable(int csrOffset, long enIe) {
        writel(csrOffset, enIe);
        for (int i = 0; i < 1000; i++) {
            long csr = readl(csrOffset);
            if ((csr & QCSR_BUSY) == 0 && (csr & QCSR_ON) != 0) return;
        }
        fail("queue never came on");
    }

    /** riscv_iommu_iodir_set_mode(MODE_MAX): try 3LVL, then lower, keep what the hardware keeps. */
    private IommuMode setMaxMode() {
        ddtRoot = allocPage();
        for (int mode = IommuMode.LVL3.encoding; mode >= IommuMode.LVL1.encoding; mode--) {
            writeq(DDTP, (ddtRoot >>> 12) << 10 | mode);
            waitIdle();
            long back = readq(DDTP);
            if ((back & DDTP_MODE_MASK) == mode) {
                sendAndSync(Commands.iodirInvalDdt(false, 0));
                return IommuMode.of(mode);
            }
            assertEquals(IommuMode.OFF.encoding, back & DDTP_MODE_MASK, "unsupported mode keeps the old value (Off)");
        }
        return IommuMode.BARE;
    }

    private int cqTail;

    /** riscv_iommu_cmd_send + IOFENCE.C, waiting for cqh to pass the fence (riscv_iommu_cmd_sync). */
    private void sendAndSync(long[]... cmds) {
        for (long[] c : cmds) send(c);
        send(Commands.iofenceC(false, 0, 0, false, false, false));
        assertEquals(cqTail, readl(CQH), "IOFENCE.C completed: cqh passed it");
        assertEquals(0, readl(CQCSR) & (CQCSR_CMD_ILL | CQCSR_CQMF | CQCSR_CMD_TO));
    }

    private void send(long[] c) {
        long pa = cqBase + 16L * cqTail;
        store(pa, c[0]);
        store(pa + 8, c[1]);
        cqTail = (cqTail + 1) % cqEntries;
        writel(CQT, cqTail);
    }

    /** Address of the DC of a device in the 2-level base-format DDT, allocating the leaf page. */
    private long dcAddress(int did) {
        assertEquals(IommuMode.LVL2, ddtMode);
        long ddte = ddtRoot + 8L * ((did >>> 7) & 0x1ff);
        long e = memory.load64(ddte);
        if ((e & 1) == 0) {
            long leaf = allocPage();
            store(ddte, (leaf >>> 12) << 10 | 1);
            e = memory.load64(ddte);
        }
        return ((e >>> 10) << 12) + 32L * (did & 0x7f);
    }

    /** riscv_iommu_iodir_update: write the DC (tc with V last), IODIR.INVAL_DDT, IOFENCE.C. */
    private void attachPaging(int did) {
        long dc = dcAddress(did);
        store(dc + 8, 0);                                         // iohgatp Bare
        store(dc + 16, (long) PSCID << 12);                       // ta.PSCID
        store(dc + 24, (8L << 60) | (ptRoot >>> 12));             // fsc = iosatp Sv39
        store(dc, 1);                                             // tc.V last
        sendAndSync(Commands.iodirInvalDdt(true, did));
    }

    /** The blocking domain: invalidate the device context (translations fault with cause 258). */
    private void attachBlocking(int did) {
        store(dcAddress(did), 0);
        sendAndSync(Commands.iodirInvalDdt(true, did));
    }

    /** Maps one 4 KiB page in the Sv39 domain (the page-table allocator's writes). */
    private void map(long iova, long pa) {
        long table = ptRoot;
        for (int lvl = 2; lvl > 0; lvl--) {
            long pte = table + 8 * ((iova >>> (12 + 9 * lvl)) & 0x1ff);
            long v = memory.load64(pte);
            if ((v & 1) == 0) {
                long next = allocPage();
                store(pte, (next >>> 12) << 10 | 1);
                v = memory.load64(pte);
            }
            table = (v >>> 10) << 12;
        }
        store(table + 8 * ((iova >>> 12) & 0x1ff), (pa >>> 12) << 10 | 0xd7); // D A U W R V
    }

    private long leafPte(long iova) {
        long table = ptRoot;
        for (int lvl = 2; lvl > 0; lvl--) {
            table = (memory.load64(table + 8 * ((iova >>> (12 + 9 * lvl)) & 0x1ff)) >>> 10) << 12;
        }
        return table + 8 * ((iova >>> 12) & 0x1ff);
    }

    /** riscv_iommu_iotlb_inval: per page below 2 MiB, one PSCID-wide invalidation from 2 MiB up, then IOFENCE.C. */
    private void unmap(long iova, long size) {
        for (long a = iova; a < iova + size; a += 0x1000) store(leafPte(a), 0);
        if (size >= (2 << 20)) {
            sendAndSync(Commands.iotinval(false, false, 0, true, PSCID, false, 0, false, false));
        } else {
            long[][] cmds = new long[(int) (size >>> 12)][];
            for (int i = 0; i < cmds.length; i++) {
                cmds[i] = Commands.iotinval(false, true, iova + 0x1000L * i, true, PSCID, false, 0, false, false);
            }
            sendAndSync(cmds);
        }
    }

    private TranslationOutcome dma(long iova, boolean write) {
        TranslationRequest r = TranslationRequest.untranslated(DEV, iova, write);
        Set<TranslationOutcome> permitted = iommu.permittedOutcomes(r);
        TranslationOutcome o = iommu.translate(r);
        assertEquals(Set.of(o), permitted, "after a completed invalidation only the current structures are permitted");
        return o;
    }

    private FaultRecord nextFault() {
        assertNotEquals(fqHead, (int) readl(FQT), "a fault record is queued");
        long pa = fqBase + 32L * fqHead;
        FaultRecord r = FaultRecord.decode(memory.load64(pa), memory.load64(pa + 16), memory.load64(pa + 24));
        fqHead = (fqHead + 1) % fqEntries;
        writel(FQH, fqHead);
        return r;
    }

    private void probe() {
        initCheck();
        cqEntries = queueAlloc(CQB, 12);                  // ask for 4096 commands
        fqEntries = queueAlloc(FQB, 12);
        cqTail = 0;
        fqHead = 0;
        writel(CQT, 0);
        writel(FQH, 0);
        // interrupts round-robin over the vectors: civ=0, fiv=1, pmiv=2, piv=3
        writeq(ICVEC, 0x3210);
        assertEquals(0x3210, readq(ICVEC));
        queueEnable(CQCSR, CQCSR_CQEN | CQCSR_CIE);
        queueEnable(FQCSR, QCSR_EN | QCSR_IE);
        ddtMode = setMaxMode();
    }

    @Test
    void probeAttachMapUnmapDetachReinitTeardown() {
        probe();
        assertEquals(1024, cqEntries, "cqb.LOG2SZ-1 is WARL: 4096 asked, 1024 kept");
        assertEquals(1024, fqEntries);
        assertEquals(IommuMode.LVL2, ddtMode, "3LVL not kept: the driver settles on 2LVL");
        assertEquals(2, readl(CQH), "IODIR.INVAL_DDT and IOFENCE.C of set_mode executed");
        assertEquals(0, readl(FQT));

        // paging domain (Sv39), attach, map four pages
        ptRoot = allocPage();
        attachPaging(DEV);
        long iova = 0x4000_0000L;
        for (int i = 0; i < 4; i++) map(iova + 0x1000L * i, 0x8000_0000L + 0x1000L * i);
        for (int i = 0; i < 4; i++) {
            TranslationOutcome o = dma(iova + 0x1000L * i + 0x10, i % 2 == 0);
            assertFalse(o.fault(), o.toString());
            assertEquals(0x8000_0000L + 0x1000L * i + 0x10, o.pa());
        }

        // unmap two pages (below 2 MiB: one IOTINVAL.VMA per page), then the device faults
        unmap(iova, 0x2000);
        TranslationOutcome f = dma(iova + 0x20, false);
        assertTrue(f.fault());
        FaultRecord r = nextFault();
        assertEquals(Cause.READ_PAGE_FAULT, r.cause());
        assertEquals(Ttyp.UNTRANSLATED_READ, r.ttyp());
        assertEquals(DEV, r.deviceId());
        assertEquals(iova + 0x20, r.iotval());
        assertEquals(IPSR_FIP, readl(IPSR) & IPSR_FIP);
        assertTrue(sink.events.contains("wire 1 up"), "fip on wire fiv=1");
        writel(IPSR, IPSR_FIP);
        assertTrue(sink.events.contains("wire 1 down"));
        assertFalse(dma(iova + 0x2000, false).fault(), "page 2 still mapped");

        // map and unmap a 2 MiB range: one PSCID-wide invalidation
        long big = 0x5000_0000L;
        for (int i = 0; i < 512; i++) map(big + 0x1000L * i, 0x9000_0000L + 0x1000L * i);
        assertFalse(dma(big + 0x1ff000, true).fault());
        unmap(big, 2 << 20);
        assertTrue(dma(big + 0x1ff000, true).fault());
        assertEquals(Cause.WRITE_PAGE_FAULT, nextFault().cause());

        // detach to the blocking domain
        attachBlocking(DEV);
        TranslationOutcome blocked = dma(iova + 0x3000, false);
        assertTrue(blocked.fault());
        assertEquals(Cause.DDT_ENTRY_NOT_VALID, nextFault().cause());

        // a new kernel (kexec) finds the IOMMU enabled and re-initialises it
        int cqhBefore = (int) readl(CQH);
        assertNotEquals(0, cqhBefore);
        probe();
        assertEquals(2, readl(CQH), "cqen 0->1 cleared cqh: the queue restarted from index 0");
        assertEquals(0, readl(FQT), "fqen 0->1 cleared fqt");
        assertEquals(IommuMode.LVL2, ddtMode);
        ptRoot = allocPage();
        attachPaging(DEV);
        map(iova, 0xa000_0000L);
        assertEquals(0xa000_0000L, dma(iova, false).pa());

        // teardown: riscv_iommu_remove sets Off, queues off
        disable();
        TranslationOutcome off = dma(iova, false);
        assertEquals(Cause.ALL_INBOUND_DISALLOWED, off.record().cause());
        assertEquals(0, readl(CQCSR) & CQCSR_CQON);
        assertEquals(0, readl(FQCSR) & QCSR_ON);
        assertEquals(0, iommu.caching().staleHits());
    }

    @Test
    void beforeTheInvalidationCompletesBothOldAndNewAreAccepted() {
        probe();
        ptRoot = allocPage();
        attachPaging(DEV);
        long iova = 0x4000_0000L;
        map(iova, 0x8000_0000L);
        TranslationOutcome mapped = dma(iova, false);
        store(leafPte(iova), 0); // unmapped, invalidation not yet sent
        TranslationRequest r = TranslationRequest.untranslated(DEV, iova, false);
        Set<TranslationOutcome> both = iommu.permittedOutcomes(r);
        assertEquals(2, both.size());
        assertTrue(both.contains(mapped));
        // the DUT used its cached (old) translation: legal, counted as a stale hit, no fault record
        assertEquals(mapped, iommu.translateAs(r, mapped));
        assertEquals(1, iommu.caching().staleHits());
        assertEquals(0, readl(FQT));
    }
}
