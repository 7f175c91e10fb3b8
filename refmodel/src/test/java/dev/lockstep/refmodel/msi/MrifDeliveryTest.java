package dev.lockstep.refmodel.msi;

import static dev.lockstep.refmodel.regs.RegisterFile.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.lockstep.refmodel.TranslationOutcome;
import dev.lockstep.refmodel.TranslationRequest;
import dev.lockstep.refmodel.effect.EffectSink;
import dev.lockstep.refmodel.fault.Cause;
import dev.lockstep.refmodel.fault.FaultRecord;
import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.refmodel.mem.PhysicalMemory;
import dev.lockstep.refmodel.pagetable.PagingScheme;
import dev.lockstep.refmodel.regs.Capabilities;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.refmodel.regs.IommuMode;
import dev.lockstep.refmodel.testsupport.TestSystem;
import dev.lockstep.refmodel.testutil.Dc;
import dev.lockstep.refmodel.testutil.PageTables;
import dev.lockstep.refmodel.testutil.Scenario;
import org.junit.jupiter.api.Test;

/**
 * IOMMU "Process to translate addresses of MSIs", MRIF mode, through the facade: the MRIF destination
 * in the outcome, recording the MSI in the MRIF (AIA: pending bit D, enable bit D, notice MSI with NID)
 * when the IOMMU does it itself, causes 264 "MRIF access fault" and 271 "MSI MRIF data corruption", the
 * debug interface's 260 and ATS U=1.
 */
class MrifDeliveryTest {

    static final int DID = 0x21;
    /** One interrupt file at GPA 0x2800_0000 (msi_addr_mask 0: interrupt file number 0). */
    static final long MSI_GPA = 0x2800_0000L;
    static final long MRIF = 0x7_1234_5600L;          // 512-byte aligned
    static final long NOTICE = 0x8_8888_8000L;
    static final int NID = (1 << 10) | 0x155;

    Scenario s;
    TestSystem t;
    long msiTable;
    PageTables g;

    void setUp(boolean amoMrif, long extraTc) {
        Capabilities.Builder b = Scenario.fullCaps(true).dbg();
        if (amoMrif) b.amoMrif();
        Capabilities caps = b.build();
        s = new Scenario(caps, IommuMode.LVL1);
        g = s.gStage(PagingScheme.SV39);
        msiTable = s.alloc.page();
        s.writeDc(DID, new Dc().tc(Dc.EN_ATS | extraTc).iohgatp(8, 1, g.rootPpn()).msi(1, msiTable >>> 12, 0, MSI_GPA >>> 12));
        s.write64(msiTable, ((MRIF >>> 9) << 7) | (1 << 1) | 1, false);
        s.write64(msiTable + 8, (1L << 60) | ((NOTICE >>> 12) << 10) | 0x155, false);
        t = new TestSystem(IommuConfig.defaults(caps), true, s.mem);
        t.enableFq(4, false);
        t.write(DDTP, s.ddtp());
    }

    void setUp() { setUp(false, 0); }

    TranslationOutcome msi(long data) {
        return t.iommu.translate(TranslationRequest.untranslatedWrite(DID, MSI_GPA, (int) data));
    }

    long pendingWord(int identity) { return s.mem.load64(MRIF + MrifDelivery.pendingOffset(identity)); }

    void enable(int identity) {
        long a = MRIF + MrifDelivery.enableOffset(identity);
        s.mem.store64(a, s.mem.load64(a) | (1L << (identity % 64)));
    }

    String noticeEvent() {
        return "write kind=" + EffectSink.WRITE_MRIF_NOTICE + " pa=0x" + Long.toHexString(NOTICE) + " size=4 value=0x"
                + Integer.toHexString(NID);
    }

    // ------------------------------------------------------------------ the outcome

    @Test
    void the_outcome_carries_the_mrif_address_notice_address_and_nid() {
        setUp();
        t.iommu.setMrifDeliveredByIommu(false);
        TranslationOutcome o = msi(5);
        assertFalse(o.fault(), o::toString);
        assertEquals(new TranslationOutcome.Mrif(MRIF, NOTICE, NID, false), o.mrif());
        assertEquals(MRIF, o.pa());
        assertEquals(TranslationOutcome.W, o.permissions() & TranslationOutcome.W);
        assertTrue(o.toString().contains("MRIF=0x712345600 notice=0x888888000 nid=1365"), o::toString);
        assertEquals(0, t.sink.count("write"), "the IO bridge records the MSI: the IOMMU writes nothing");
        assertEquals(0, pendingWord(5));
    }

    @Test
    void delivery_by_the_iommu_is_the_default_with_msi_mrif() {
        setUp();
        assertTrue(t.iommu.mrifDeliveredByIommu());
    }

    @Test
    void ats_translation_of_an_mrif_page_is_untranslated_only_without_delivery() {
        setUp();
        TranslationOutcome o = t.iommu.translate(new TranslationRequest(DID, false, 0, false, Ttyp.ATS_TRANSLATION, MSI_GPA));
        assertFalse(o.fault(), o::toString);
        assertEquals(TranslationOutcome.ATS_U, o.ats() & TranslationOutcome.ATS_U);
        assertNull(o.mrif());
        assertEquals(0, t.sink.count("write"));
    }

    @Test
    void a_read_of_an_mrif_page_stores_nothing() {
        setUp();
        TranslationOutcome o = t.iommu.translate(TranslationRequest.untranslated(DID, MSI_GPA, false));
        assertFalse(o.fault(), o::toString);
        assertEquals(MRIF, o.mrif().address());
        assertEquals(0, t.sink.count("write"));
    }

    @Test
    void a_write_without_its_data_fails_loudly() {
        setUp();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> t.iommu.translate(TranslationRequest.untranslated(DID, MSI_GPA, true)));
        assertTrue(e.getMessage().startsWith("data"), e::getMessage);
    }

    // ------------------------------------------------------------------ pending, enable, notice

    @Test
    void interrupt_disabled_sets_the_pending_bit_and_sends_no_notice() {
        setUp();
        TranslationOutcome o = msi(70); // identity 70: doubleword 1 (offset 16), bit 6
        assertFalse(o.fault(), o::toString);
        assertEquals(1L << 6, s.mem.load64(MRIF + 16));
        assertTrue(t.sink.events.contains("write kind=" + EffectSink.WRITE_MRIF + " pa=0x" + Long.toHexString(MRIF + 16)
                + " size=8 value=0x40"), t.sink.events::toString);
        assertEquals(0, t.sink.count("write kind=" + EffectSink.WRITE_MRIF_NOTICE));
    }

    @Test
    void interrupt_enabled_sends_the_notice_msi_with_nid() {
        setUp();
        enable(70);
        s.mem.store64(MRIF + 16, 1); // another pending interrupt in the same doubleword stays pending
        assertFalse(msi(70).fault());
        assertEquals(1 | (1L << 6), s.mem.load64(MRIF + 16));
        assertEquals(1, t.sink.count(noticeEvent()), t.sink.events::toString);
        assertEquals(NID, s.mem.load32(NOTICE));
    }

    @Test
    void with_amo_mrif_the_pending_bit_is_set_by_an_atomic_or() {
        setUp(true, 0);
        s.mem.store64(MRIF, 0x8);
        assertFalse(msi(1).fault());
        assertEquals(0x8 | 0x2, pendingWord(1));
        assertTrue(t.sink.events.contains("write kind=" + EffectSink.WRITE_MRIF_AMO_OR + " pa=0x" + Long.toHexString(MRIF)
                + " size=8 value=0x2"), t.sink.events::toString);
    }

    @Test
    void identities_0_and_above_2047_are_not_stored() {
        setUp();
        enable(0);
        for (long d : new long[] {0, 2048, 0xffff_ffffL}) {
            TranslationOutcome o = msi(d);
            assertFalse(o.fault(), o::toString);
        }
        assertEquals(0, t.sink.count("write"), t.sink.events::toString);
        assertEquals(0, pendingWord(0));
        assertFalse(MrifDelivery.isValidIdentity(0));
        assertFalse(MrifDelivery.isValidIdentity(2048));
    }

    @Test
    void identity_2047_is_the_last_bit_of_the_mrif() {
        setUp();
        enable(2047);
        assertFalse(msi(2047).fault());
        assertEquals(1L << 63, s.mem.load64(MRIF + 31 * 16));
        assertEquals(MrifDelivery.MRIF_BYTES - 8, MrifDelivery.enableOffset(2047));
        assertEquals(1, t.sink.count(noticeEvent()));
    }

    // ------------------------------------------------------------------ cause 264

    @Test
    void an_access_fault_on_the_pending_word_is_264_with_the_request_in_the_record() {
        setUp();
        s.mem.injectError(MRIF + 16, PhysicalMemory.ACCESS_FAULT);
        TranslationOutcome o = msi(70);
        assertTrue(o.fault());
        assertTrue(o.reported());
        FaultRecord r = t.faultRecord(0);
        assertEquals(Cause.MRIF_ACCESS_FAULT, r.cause());
        assertEquals(Ttyp.UNTRANSLATED_WRITE, r.ttyp());
        assertEquals(DID, r.deviceId());
        assertEquals(MSI_GPA, r.iotval());
        assertFalse(r.pv());
        assertEquals(0, t.sink.count("write kind=" + EffectSink.WRITE_MRIF));
    }

    @Test
    void an_access_fault_on_another_identitys_words_is_not_264() {
        setUp();
        s.mem.injectError(MRIF, PhysicalMemory.ACCESS_FAULT);      // identities 0..63
        s.mem.injectError(MRIF + 8, PhysicalMemory.ACCESS_FAULT);
        assertFalse(msi(70).fault());
        assertEquals(0, t.read(FQT));
    }

    @Test
    void an_access_fault_on_the_notice_msi_is_264_and_the_pending_bit_stays_set() {
        setUp();
        enable(70);
        s.mem.injectError(NOTICE, PhysicalMemory.ACCESS_FAULT);
        TranslationOutcome o = msi(70);
        assertEquals(Cause.MRIF_ACCESS_FAULT, o.record().cause());
        assertEquals(1L << 6, s.mem.load64(MRIF + 16));
        assertEquals(0, t.sink.count("write kind=" + EffectSink.WRITE_MRIF_NOTICE));
        assertEquals(Cause.MRIF_ACCESS_FAULT, t.faultRecord(0).cause());
    }

    @Test
    void dtf_suppresses_the_264_record() {
        setUp(false, Dc.DTF);
        s.mem.injectError(MRIF + 16, PhysicalMemory.ACCESS_FAULT);
        TranslationOutcome o = msi(70);
        assertTrue(o.fault());
        assertFalse(o.reported());
        assertEquals(0, t.read(FQT));
    }

    // ------------------------------------------------------------------ cause 271

    @Test
    void corrupted_enable_word_is_271() {
        setUp();
        s.mem.injectError(MRIF + 24, PhysicalMemory.DATA_CORRUPTION);
        TranslationOutcome o = msi(70);
        assertEquals(Cause.MRIF_DATA_CORRUPTION, o.record().cause());
        assertEquals(Cause.MRIF_DATA_CORRUPTION, t.faultRecord(0).cause());
        assertEquals(MSI_GPA, t.faultRecord(0).iotval());
        assertEquals(0, t.sink.count("write kind=" + EffectSink.WRITE_MRIF_NOTICE));
    }

    @Test
    void corrupted_pending_word_with_amo_mrif_is_271() {
        setUp(true, 0);
        s.mem.injectError(MRIF + 16, PhysicalMemory.DATA_CORRUPTION);
        assertEquals(Cause.MRIF_DATA_CORRUPTION, msi(70).record().cause());
        assertEquals(0, t.sink.count("write kind=" + EffectSink.WRITE_MRIF_AMO_OR));
    }

    @Test
    void corrupted_data_in_another_identitys_words_is_not_271() {
        setUp();
        s.mem.injectError(MRIF + 32, PhysicalMemory.DATA_CORRUPTION); // identities 128..191
        assertFalse(msi(70).fault());
    }

    // ------------------------------------------------------------------ debug interface

    @Test
    void a_debug_translation_of_an_mrif_address_is_260() {
        setUp();
        t.write(TR_REQ_IOVA, MSI_GPA);
        t.write(TR_REQ_CTL, TR_CTL_GO | ((long) DID << 40));
        assertEquals(TR_RSP_FAULT, t.read(TR_RESPONSE));
        assertEquals(Cause.TRANSACTION_TYPE_DISALLOWED, t.faultRecord(0).cause());
        assertEquals(0, t.sink.count("write kind=" + EffectSink.WRITE_MRIF));
    }
}
