package dev.lockstep.refmodel.regs;

import static dev.lockstep.refmodel.regs.RegisterFile.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegisterFileTest {

    static Capabilities fullCaps() {
        return Capabilities.builder().sv39().sv48().sv39x4().sv48x4().msiFlat().amoHwad().ats().t2gpa()
                .igs(Capabilities.IGS_BOTH).hpm().dbg().pas(56).pd8().pd17().pd20().qosid().nl().s().end().build();
    }

    static RegisterFile full() {
        return new RegisterFile(IommuConfig.defaults(fullCaps()).withFctl(IommuConfig.FCTL_BE | IommuConfig.FCTL_WSI, 0));
    }

    static RegisterFile minimal() {
        return new RegisterFile(IommuConfig.defaults(Capabilities.builder().sv39().igs(Capabilities.IGS_WSI).pas(40).build()));
    }

    @Test
    void resetValues() {
        RegisterFile r = full();
        assertEquals(fullCaps().value(), r.read(CAPABILITIES, 8));
        assertEquals(0, r.read(DDTP, 8), "iommu_mode resets to Off (configured), busy 0");
        for (int off : new int[] {CQCSR, FQCSR, PQCSR, IPSR}) assertEquals(0, r.read(off, 4));
        assertEquals(0, r.read(TR_REQ_CTL, 8) & TR_CTL_GO);
        RegisterFile bare = new RegisterFile(IommuConfig.defaults(fullCaps()).withResetMode(IommuMode.BARE));
        assertEquals(IommuMode.BARE, bare.mode());
    }

    @Test
    void capabilitiesIsReadOnly() {
        RegisterFile r = full();
        r.write(CAPABILITIES, 8, 0);
        r.write(CAPABILITIES + 4, 4, 0);
        assertEquals(fullCaps().value(), r.read(CAPABILITIES, 8));
    }

    @Test
    void fctlWarl() {
        RegisterFile r = full();
        r.write(FCTL, 4, 0xffffffffL);
        assertEquals(IommuConfig.FCTL_BE | IommuConfig.FCTL_WSI, r.read(FCTL, 4), "GXL and reserved bits not writable");
        RegisterFile m = minimal();
        assertEquals(IommuConfig.FCTL_WSI, m.read(FCTL, 4), "IGS=WSI: WSI reads 1");
        m.write(FCTL, 4, 0);
        assertEquals(IommuConfig.FCTL_WSI, m.read(FCTL, 4));
    }

    @Test
    void ddtpModeWarlKeepsOldValueForUnsupportedMode() {
        IommuConfig c = IommuConfig.defaults(fullCaps())
                .withSupportedModes(EnumSet.of(IommuMode.OFF, IommuMode.BARE, IommuMode.LVL1, IommuMode.LVL2));
        RegisterFile r = new RegisterFile(c);
        r.write(DDTP, 8, 0x1234L << 10 | IommuMode.LVL3.encoding);
        assertEquals(IommuMode.OFF, r.mode(), "3LVL unsupported: mode keeps Off");
        assertEquals(0x1234L << 10, r.read(DDTP, 8) & DDTP_PPN_MASK);
        r.write(DDTP, 8, 0x1234L << 10 | IommuMode.LVL2.encoding);
        assertEquals(IommuMode.LVL2, r.mode());
        r.write(DDTP, 8, 0x1234L << 10 | 7);
        assertEquals(IommuMode.LVL2, r.mode(), "reserved encoding keeps the old mode");
        r.write(DDTP, 8, 0x1234L << 10 | DDTP_BUSY | (0x3ffL << 54) | (0x1fL << 5));
        assertEquals(0x1234L << 10, r.read(DDTP, 8), "busy RO, reserved bits read 0");
    }

    @Test
    void ddtpPpnIsLimitedByPas() {
        RegisterFile r = minimal(); // PAS 40: PPN has 28 bits
        r.write(DDTP, 8, DDTP_PPN_MASK | 1);
        assertEquals(((1L << 28) - 1) << 10 | 1, r.read(DDTP, 8));
    }

    @Test
    void ddtpFourByteHalves() {
        RegisterFile r = full();
        r.write(DDTP + 4, 4, 0x1);              // PPN bits 53:32 -> PPN[22]
        r.write(DDTP, 4, (0x5L << 10) | 4);
        assertEquals((1L << 32) | (0x5L << 10) | 4, r.read(DDTP, 8));
        assertEquals(1, r.read(DDTP + 4, 4));
    }

    @Test
    void aQueueOf2To32EntriesHasA32BitIndex() {
        // LOG2SZ-1 = 31: 2^32 entries, and bits LOG2SZ-1:0 of cqt/fqh/pqh (all 32) are writable (spec: cqt).
        RegisterFile r = new RegisterFile(IommuConfig.defaults(fullCaps()).withQueueLog2SzMax(31, 31, 31));
        r.write(CQB, 8, 31);
        assertEquals(1L << 32, RegisterFile.queueEntries(r.cqb()));
        r.write(CQT, 4, 0xffffffffL);
        assertEquals(0xffffffffL, r.read(CQT, 4));
        r.write(FQB, 8, 30);
        r.write(FQH, 4, 0xffffffffL);
        assertEquals(0x7fffffffL, r.read(FQH, 4), "2^31 entries: 31 index bits");
    }

    @Test
    void queueBaseWarlAndIndexMasks() {
        RegisterFile r = new RegisterFile(IommuConfig.defaults(fullCaps()).withQueueLog2SzMax(9, 7, 5));
        r.write(CQB, 8, (0x80000L << 10) | 31 | (0x1fL << 5) | (0x3ffL << 54));
        assertEquals((0x80000L << 10) | 9, r.read(CQB, 8), "LOG2SZ-1 clamped to 9, reserved bits 0");
        assertEquals(1024, RegisterFile.queueEntries(r.cqb()));
        r.write(CQT, 4, 0xffffffffL);
        assertEquals(1023, r.read(CQT, 4), "only LOG2SZ-1:0 bits of cqt writable");
        r.write(CQH, 4, 5);
        assertEquals(0, r.read(CQH, 4), "cqh is RO");
        r.write(FQB, 8, 31);
        assertEquals(7, r.read(FQB, 8) & 31);
        r.write(FQH, 4, 0xffff);
        assertEquals(255, r.read(FQH, 4));
        r.write(FQT, 4, 3);
        assertEquals(0, r.read(FQT, 4), "fqt is RO");
        r.write(PQB, 8, 2);
        r.write(PQH, 4, 0xff);
        assertEquals(7, r.read(PQH, 4));
        r.write(PQT, 4, 3);
        assertEquals(0, r.read(PQT, 4), "pqt is RO");
    }

    @Test
    void baseWriteMakesSoftwareIndexUnspecifiedUntilWritten() {
        RegisterFile r = full();
        RegisterMasks masks = new RegisterMasks(r);
        r.write(CQB, 8, 3);
        assertEquals(0, r.read(CQT, 4));
        assertEquals(0xfffffff0L, masks.compareMask(CQT, 4), "cqt bits LOG2SZ-1:0 UNSPECIFIED after cqb write");
        r.write(CQT, 4, 1);
        assertEquals(0xffffffffL, masks.compareMask(CQT, 4));
        r.write(FQB, 8, 0);
        assertEquals(0xfffffffeL, masks.compareMask(FQH, 4));
    }

    @Test
    void cqcsrEnableSequenceClearsHeadAndErrors() {
        RegisterFile r = full();
        r.write(CQB, 8, 3);
        r.write(CQCSR, 4, CQCSR_CQEN);
        assertEquals(CQCSR_CQEN | CQCSR_CQON, r.read(CQCSR, 4), "on at once, busy 0");
        r.hwSetCqh(5);
        r.hwSetCqcsrBits(CQCSR_ERRORS);
        r.write(CQCSR, 4, CQCSR_CQEN | CQCSR_CMD_ILL);
        assertEquals(CQCSR_CQEN | CQCSR_CQON | CQCSR_CQMF | CQCSR_CMD_TO | CQCSR_FENCE_W_IP, r.read(CQCSR, 4),
                "RW1C clears only cmd_ill");
        assertEquals(5, r.read(CQH, 4), "cqh kept while cqen stays 1");
        r.write(CQCSR, 4, 0);
        assertEquals(CQCSR_CQMF | CQCSR_CMD_TO | CQCSR_FENCE_W_IP, r.read(CQCSR, 4), "cqon 0 after disable");
        r.write(CQCSR, 4, CQCSR_CQEN | CQCSR_CIE | CQCSR_CQON | CQCSR_BUSY | 0xf0000000);
        assertEquals(CQCSR_CQEN | CQCSR_CIE | CQCSR_CQON, r.read(CQCSR, 4), "0->1 clears errors; RO/custom bits ignored");
        assertEquals(0, r.read(CQH, 4), "0->1 clears cqh");
    }

    @Test
    void fqcsrAndPqcsrEnableClearTailAndErrors() {
        RegisterFile r = full();
        r.write(FQCSR, 4, QCSR_EN | QCSR_IE);
        r.hwSetFqt(3);
        r.hwSetFqcsrBits(QCSR_MF | QCSR_OF);
        r.write(FQCSR, 4, QCSR_IE | QCSR_OF);
        assertEquals(QCSR_IE | QCSR_MF, r.read(FQCSR, 4));
        assertEquals(3, r.read(FQT, 4));
        r.write(FQCSR, 4, QCSR_EN);
        assertEquals(QCSR_EN | QCSR_ON, r.read(FQCSR, 4));
        assertEquals(0, r.read(FQT, 4));
        r.write(PQCSR, 4, QCSR_EN);
        r.hwSetPqt(2);
        r.hwSetPqcsrBits(QCSR_OF);
        r.write(PQCSR, 4, 0);
        r.write(PQCSR, 4, QCSR_EN);
        assertEquals(QCSR_EN | QCSR_ON, r.read(PQCSR, 4));
        assertEquals(0, r.read(PQT, 4));
    }

    @Test
    void ipsrIsRw1c() {
        RegisterFile r = full();
        r.hwSetIpsrBits(0xf);
        r.write(IPSR, 4, IPSR_FIP | 0xfff0);
        assertEquals(IPSR_CIP | IPSR_PMIP | IPSR_PIP, r.read(IPSR, 4));
        r.write(IPSR, 4, 0);
        assertEquals(IPSR_CIP | IPSR_PMIP | IPSR_PIP, r.read(IPSR, 4), "writing 0 has no effect");
    }

    @Test
    void absentRegistersReadZeroAndIgnoreWrites() {
        RegisterFile r = minimal(); // no ATS, HPM, DBG, QOSID; IGS=WSI
        int[] offs4 = {PQH, PQT, PQCSR, IOCOUNTOVF, IOCOUNTINH, IOMMU_QOSID, MSI_CFG_TBL + 8, MSI_CFG_TBL + 12};
        for (int off : offs4) {
            r.write(off, 4, 0xffffffffL);
            assertEquals(0, r.read(off, 4), "offset " + off);
        }
        int[] offs8 = {PQB, IOHPMCYCLES, IOHPMCTR_BASE, IOHPMEVT_BASE, TR_REQ_IOVA, TR_REQ_CTL, TR_RESPONSE, MSI_CFG_TBL};
        for (int off : offs8) {
            r.write(off, 8, -1L);
            assertEquals(0, r.read(off, 8), "offset " + off);
        }
        // reserved and custom space
        r.write(12, 4, 0xffffffffL);
        assertEquals(0, r.read(12, 4));
        r.write(1024, 8, -1L);
        assertEquals(0, r.read(1024, 8));
    }

    @Test
    void hpmRegisters() {
        RegisterFile r = new RegisterFile(IommuConfig.defaults(fullCaps()).withHpm(3, 40));
        assertTrue(r.isPresent(IOHPMCTR_BASE + 16));
        assertFalse(r.isPresent(IOHPMCTR_BASE + 24), "iohpmctr4 absent with 3 counters");
        r.write(IOHPMCTR_BASE + 24, 8, 5);
        assertEquals(0, r.read(IOHPMCTR_BASE + 24, 8));
        r.write(IOHPMCTR_BASE, 8, -1L);
        assertEquals((1L << 40) - 1, r.read(IOHPMCTR_BASE, 8), "counter WARL to 40 bits");
        r.write(IOHPMCYCLES, 8, -1L);
        assertEquals(HPMEVT_OF | ((1L << 40) - 1), r.read(IOHPMCYCLES, 8));
        r.write(IOCOUNTINH, 4, 0xffffffffL);
        assertEquals(0xf, r.read(IOCOUNTINH, 4), "CY + 3 counters inhibitable");
        r.write(IOHPMEVT_BASE, 8, HPMEVT_OF | HPMEVT_IDT | 4);
        assertEquals(HPMEVT_OF | HPMEVT_IDT | 4, r.read(IOHPMEVT_BASE, 8));
        r.write(IOHPMEVT_BASE + 8, 8, 9);
        assertEquals(0, r.read(IOHPMEVT_BASE + 8, 8), "reserved eventID reads back 0 (WARL)");
        r.write(IOHPMEVT_BASE + 8, 8, 16384);
        assertEquals(0, r.read(IOHPMEVT_BASE + 8, 8), "unsupported custom eventID reads back 0");
        assertEquals(0b011, r.read(IOCOUNTOVF, 4), "CY and evt1 OF shadows");
        r.write(IOCOUNTOVF, 4, 0);
        assertEquals(0b011, r.read(IOCOUNTOVF, 4), "iocountovf is RO");
    }

    @Test
    void debugRegisters() {
        RegisterFile r = full();
        r.write(TR_REQ_IOVA, 8, -1L);
        assertEquals(~0xfffL, r.read(TR_REQ_IOVA, 8));
        r.write(TR_REQ_CTL, 8, -1L);
        assertEquals(TR_CTL_WRITABLE | TR_CTL_GO, r.read(TR_REQ_CTL, 8));
        r.write(TR_REQ_CTL, 8, 0);
        assertEquals(TR_CTL_GO, r.read(TR_REQ_CTL, 8) & TR_CTL_GO, "Go/Busy is RW1S: software cannot clear it");
        r.hwCompleteDebugTranslation(0x1234L << 10);
        assertEquals(0, r.read(TR_REQ_CTL, 8) & TR_CTL_GO);
        r.write(TR_RESPONSE, 8, 0);
        assertEquals(0x1234L << 10, r.read(TR_RESPONSE, 8), "tr_response is RO");
    }

    /**
     * Every WARL field keeps only the values the configuration says the implementation supports, never
     * an assumed full width: icvec "if only two vectors are supported then only bit 0 for each cause could
     * be writable", a cause hardwired to vector 0, tr_req_iova.vpn, tr_req_ctl's fields, iommu_qosid's
     * RCID/MCID, iohpmevtX.eventID (an event not counted reads 0).
     */
    @Test
    void warlFieldsKeepOnlyTheConfiguredLegalValues() {
        IommuConfig.Warl w = new IommuConfig.Warl(0x0000_ffff_ffff_f000L, 0x0000ff0000fff00eL & IommuConfig.Warl.TR_REQ_CTL_FIELDS,
                0x003f_003f, IommuConfig.Warl.STANDARD_EVENTS & ~(1L << 4));
        RegisterFile r = new RegisterFile(IommuConfig.defaults(fullCaps()).withIcvecWritableMask(0x1011).withWarl(w));
        r.write(ICVEC, 8, 0xffff);
        assertEquals(0x1011, r.read(ICVEC, 8), "two vectors; pmiv hardwired to 0");
        assertEquals(0, r.vectorOf(2));
        r.write(TR_REQ_IOVA, 8, -1L);
        assertEquals(0x0000_ffff_ffff_f000L, r.read(TR_REQ_IOVA, 8));
        r.write(TR_REQ_CTL, 8, -1L & ~TR_CTL_GO);
        assertEquals(0x0000ff0000fff00eL, r.read(TR_REQ_CTL, 8) & ~TR_CTL_GO);
        r.write(IOMMU_QOSID, 4, 0xffffffffL);
        assertEquals(0x003f003fL, r.read(IOMMU_QOSID, 4));
        r.write(IOHPMEVT_BASE, 8, 4);
        assertEquals(0, r.read(IOHPMEVT_BASE, 8) & HPMEVT_EVENT_MASK, "event 4 is not counted: eventID reads 0");
        r.write(IOHPMEVT_BASE, 8, 5);
        assertEquals(5, r.read(IOHPMEVT_BASE, 8) & HPMEVT_EVENT_MASK);
        // The defaults are today's: every bit and every standard event.
        RegisterFile d = new RegisterFile(IommuConfig.defaults(fullCaps()));
        d.write(TR_REQ_IOVA, 8, -1L);
        assertEquals(~0xfffL, d.read(TR_REQ_IOVA, 8));
        assertThrows(IllegalArgumentException.class, () -> new IommuConfig.Warl(0xfff, 0, 0, 0), "tr_req_iova[11:0]");
    }

    @Test
    void qosidIcvecAndMsiConfigTable() {
        RegisterFile r = new RegisterFile(IommuConfig.defaults(fullCaps()).withIcvecWritableMask(0x3333));
        r.write(IOMMU_QOSID, 4, 0xffffffffL);
        assertEquals(0x0fff0fffL, r.read(IOMMU_QOSID, 4));
        r.write(ICVEC, 8, -1L);
        assertEquals(0x3333, r.read(ICVEC, 8), "2 bits per cause writable: 4 vectors; custom bits 0");
        assertEquals(3, r.vectorOf(3));
        r.write(MSI_CFG_TBL + 16 * 5, 8, -1L);
        assertEquals(0x00fffffffffffffcL, r.read(MSI_CFG_TBL + 16 * 5, 8), "ADDR[55:2], low 2 bits 0");
        r.write(MSI_CFG_TBL + 16 * 5 + 8, 8, -1L); // data + vec_ctl pair, high half first
        assertEquals(0xffffffffL, r.read(MSI_CFG_TBL + 16 * 5 + 8, 4));
        assertEquals(1, r.read(MSI_CFG_TBL + 16 * 5 + 12, 4), "only M writable in msi_vec_ctl");
    }

    @Test
    void eightByteAccessToRegisterPairIsHighHalfFirst() {
        RegisterFile r = full();
        List<Integer> order = new ArrayList<>();
        r.setListener((off, old) -> order.add(off));
        r.write(CQB, 8, 3);
        order.clear();
        r.write(CQH, 8, 0x5L << 32 | 7); // cqh (RO) + cqt
        assertEquals(List.of(CQT), order, "write to RO cqh not reported; cqt written");
        assertEquals(5, r.read(CQT, 4));
        assertEquals(5L << 32, r.read(CQH, 8));
    }

    @Test
    void badAccessesAreRejected() {
        RegisterFile r = full();
        assertThrows(IllegalArgumentException.class, () -> r.read(2, 4));
        assertThrows(IllegalArgumentException.class, () -> r.read(4, 8));
        assertThrows(IllegalArgumentException.class, () -> r.read(0, 2));
        assertThrows(IllegalArgumentException.class, () -> r.write(4096, 4, 0));
    }

    @Test
    void configRejectsIllegalChoices() {
        Capabilities hpm = Capabilities.builder().sv39().hpm().igs(1).build();
        assertThrows(IllegalArgumentException.class, () -> IommuConfig.defaults(hpm).withHpm(0, 64));
        assertThrows(IllegalArgumentException.class, () -> IommuConfig.defaults(hpm).withHpm(1, 31));
        assertThrows(IllegalArgumentException.class, () -> IommuConfig.defaults(hpm).withQueueLog2SzMax(32, 1, 1));
    }
}
