package dev.lockstep.refmodel.ddt;

import static org.junit.jupiter.api.Assertions.*;

import dev.lockstep.refmodel.fault.Cause;
import dev.lockstep.refmodel.fault.FaultRecord;
import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.refmodel.mem.PhysicalMemory;
import dev.lockstep.refmodel.regs.Capabilities;
import dev.lockstep.refmodel.regs.IommuMode;
import dev.lockstep.refmodel.testutil.Dc;
import dev.lockstep.refmodel.testutil.Scenario;
import dev.lockstep.refmodel.trace.Role;
import dev.lockstep.refmodel.trace.Rule;
import dev.lockstep.refmodel.translate.Outcome;
import dev.lockstep.refmodel.translate.Request;
import dev.lockstep.refmodel.translate.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** IOMMU "Process to translate an IOVA" steps 1-6 and "Process to locate the Device-context". */
class DeviceDirectoryTest {

    static Scenario scenario(boolean extended, IommuMode mode) {
        return new Scenario(Scenario.fullCaps(extended).build(), mode);
    }

    /** A DC with first and G stage Bare: the device's IOVA is its SPA. */
    static Dc bareDc() { return new Dc(); }

    @Test
    void step1_off_disallows_everything_and_ignores_dtf() {
        Scenario s = scenario(false, IommuMode.OFF);
        Outcome o = s.read(5, 0x1000);
        assertEquals(Status.ABORT, o.status());
        assertEquals(Cause.ALL_INBOUND_DISALLOWED, o.cause());
        assertTrue(o.recordFault());
        assertEquals(0, o.trace().readCount());
        FaultRecord f = o.faultRecord();
        assertEquals(Ttyp.UNTRANSLATED_READ, f.ttyp());
        assertEquals(5, f.deviceId());
        assertEquals(0x1000, f.iotval());
    }

    @Test
    void step2_bare_passes_untranslated_requests_through() {
        Scenario s = scenario(false, IommuMode.BARE);
        Outcome o = s.write(5, 0x1234_5678L);
        assertEquals(Status.SUCCESS, o.status());
        assertEquals(0x1234_5678L, o.address());
        assertTrue(o.sizeImplementationDefined());
        assertEquals(Rule.MODE_BARE_SUCCESS, o.trace().rule());
    }

    @Test
    void step2_bare_disallows_translated_and_ats_requests() {
        Scenario s = scenario(false, IommuMode.BARE);
        assertEquals(Cause.TRANSACTION_TYPE_DISALLOWED, s.translate(Request.of(Ttyp.TRANSLATED_READ, 5, 0x1000)).cause());
        Outcome ats = s.translate(Request.ats(5, 0x1000, false, false));
        assertEquals(Cause.TRANSACTION_TYPE_DISALLOWED, ats.cause());
        assertEquals(Status.UNSUPPORTED_REQUEST, ats.status());
    }

    @ParameterizedTest(name = "{0} extended={1} did={2}")
    @CsvSource({
            "LVL1, false, 0x7f", "LVL2, false, 0xffff", "LVL3, false, 0xffffff",
            "LVL1, true, 0x3f", "LVL2, true, 0x7fff", "LVL3, true, 0xffffff"})
    void every_ddt_mode_locates_the_dc_of_the_widest_device_id(IommuMode mode, boolean extended, String did) {
        Scenario s = scenario(extended, mode);
        int id = Integer.decode(did);
        s.writeDc(id, bareDc());
        Outcome o = s.read(id, 0xabc000);
        assertEquals(Status.SUCCESS, o.status(), o::toString);
        assertEquals(0xabc000, o.address());
        // One read per non-leaf level, then the DC's 4 or 8 doublewords.
        assertEquals(mode.levels() - 1 + (extended ? 8 : 4), o.trace().readCount());
        assertEquals(Role.DC, o.trace().readRole(o.trace().readCount() - 1));
        if (mode.levels() > 1) assertEquals(Role.DDT_NONLEAF, o.trace().readRole(0));
        assertEquals(s.dcAddress(id), o.trace().readAddress(mode.levels() - 1));
    }

    @ParameterizedTest(name = "{0} extended={1} did={2}")
    @CsvSource({
            "LVL1, false, 0x80", "LVL2, false, 0x10000",
            "LVL1, true, 0x40", "LVL2, true, 0x8000"})
    void step5_device_id_wider_than_the_mode_is_disallowed(IommuMode mode, boolean extended, String did) {
        Scenario s = scenario(extended, mode);
        Outcome o = s.read(Integer.decode(did), 0x1000);
        assertEquals(Cause.TRANSACTION_TYPE_DISALLOWED, o.cause());
        assertEquals(Rule.DEVICE_ID_TOO_WIDE, o.trace().rule());
        assertEquals(0, o.trace().readCount(), "decided before any DDT read");
    }

    @Test
    void dc_v0_is_not_valid_258_and_reported_despite_dtf() {
        Scenario s = scenario(false, IommuMode.LVL2);
        s.writeDc(0x123, bareDc().tcClear(Dc.V).tc(Dc.DTF));
        Outcome o = s.read(0x123, 0);
        assertEquals(Cause.DDT_ENTRY_NOT_VALID, o.cause());
        assertTrue(o.recordFault(), "no valid DC: DTF taken as 0");
    }

    @Test
    void nonleaf_ddte_v0_is_not_valid_258() {
        Scenario s = scenario(false, IommuMode.LVL3);
        s.writeDc(0x12345, bareDc());
        s.write64(s.ddteAddress(0x12345, 2), 0, false);
        Outcome o = s.read(0x12345, 0);
        assertEquals(Cause.DDT_ENTRY_NOT_VALID, o.cause());
        assertEquals(Rule.DDTE_NOT_VALID, o.trace().rule());
        assertEquals(2, o.trace().ruleLevel());
    }

    @Test
    void nonleaf_ddte_reserved_bits_are_misconfigured_259() {
        for (long reserved : new long[] {1L << 1, 1L << 9, 1L << 54, 1L << 63}) {
            Scenario s = scenario(false, IommuMode.LVL2);
            s.writeDc(0x1234, bareDc());
            long a = s.ddteAddress(0x1234, 1);
            s.write64(a, s.read64(a, false) | reserved, false);
            Outcome o = s.read(0x1234, 0);
            assertEquals(Cause.DDT_ENTRY_MISCONFIGURED, o.cause(), () -> "bit " + Long.numberOfTrailingZeros(reserved));
            assertEquals(Rule.DDTE_RESERVED, o.trace().rule());
        }
    }

    @Test
    void ddte_access_fault_257_wins_over_its_contents() {
        Scenario s = scenario(false, IommuMode.LVL2);
        long a = s.ddteAddress(0x1234, 1); // V=0 entry: contents alone would give 258
        s.mem.injectError(a, PhysicalMemory.ACCESS_FAULT);
        Outcome o = s.read(0x1234, 0);
        assertEquals(Cause.DDT_LOAD_ACCESS_FAULT, o.cause());
        assertEquals(PhysicalMemory.ACCESS_FAULT, o.trace().readStatus(0));
    }

    @Test
    void ddte_data_corruption_268_wins_over_its_contents() {
        Scenario s = scenario(false, IommuMode.LVL2);
        s.mem.injectError(s.ddteAddress(0x1234, 1), PhysicalMemory.DATA_CORRUPTION);
        assertEquals(Cause.DDT_DATA_CORRUPTION, s.read(0x1234, 0).cause());
    }

    @Test
    void dc_access_fault_257_in_any_doubleword_wins_over_corruption_and_contents() {
        Scenario s = scenario(true, IommuMode.LVL1);
        s.writeDc(3, bareDc().tcClear(Dc.V));
        long dc = s.dcAddress(3);
        s.mem.injectError(dc, PhysicalMemory.DATA_CORRUPTION);
        s.mem.injectError(dc + 56, PhysicalMemory.ACCESS_FAULT);
        Outcome o = s.read(3, 0);
        assertEquals(Cause.DDT_LOAD_ACCESS_FAULT, o.cause());
        assertEquals(Rule.DC_ACCESS_FAULT, o.trace().rule());
    }

    @Test
    void dc_data_corruption_268_wins_over_dc_v0() {
        Scenario s = scenario(false, IommuMode.LVL1);
        s.writeDc(3, bareDc().tcClear(Dc.V));
        s.mem.injectError(s.dcAddress(3) + 8, PhysicalMemory.DATA_CORRUPTION);
        Outcome o = s.read(3, 0);
        assertEquals(Cause.DDT_DATA_CORRUPTION, o.cause());
        assertTrue(o.recordFault());
    }

    @Test
    void neighbouring_device_with_a_good_dc_is_unaffected_by_a_faulting_one() {
        Scenario s = scenario(false, IommuMode.LVL1);
        s.writeDc(3, bareDc());
        s.writeDc(4, bareDc());
        s.mem.injectError(s.dcAddress(4), PhysicalMemory.ACCESS_FAULT);
        assertEquals(Status.SUCCESS, s.read(3, 0x5000).status());
        assertEquals(Cause.DDT_LOAD_ACCESS_FAULT, s.read(4, 0x5000).cause());
    }

    @Test
    void dtf_suppresses_the_record_of_translation_faults_but_not_the_abort() {
        Scenario s = scenario(false, IommuMode.LVL1);
        s.writeDc(3, bareDc().tc(Dc.DTF));
        Outcome o = s.translate(Request.of(Ttyp.TRANSLATED_READ, 3, 0x1000)); // EN_ATS=0: 260
        assertEquals(Cause.TRANSACTION_TYPE_DISALLOWED, o.cause());
        assertEquals(Status.ABORT, o.status());
        assertFalse(o.recordFault());
        assertNull(o.faultRecord());
        s.writeDc(3, bareDc());
        assertTrue(s.translate(Request.of(Ttyp.TRANSLATED_READ, 3, 0x1000)).recordFault());
    }

    @Test
    void big_endian_ddt_and_dc_follow_fctl_be() {
        Scenario s = scenario(false, IommuMode.LVL2);
        s.be = true;
        s.writeDc(0x1234, bareDc().tc(Dc.SBE));
        Outcome o = s.read(0x1234, 0x7000);
        assertEquals(Status.SUCCESS, o.status(), o::toString);
        // Read as little-endian, the same bytes are not a valid entry.
        s.be = false;
        assertNotEquals(Status.SUCCESS, s.translate(Request.untranslated(0x1234, 0x7000, Ttyp.UNTRANSLATED_READ)).status());
    }

    @Test
    void capabilities_without_msi_flat_use_the_base_format_partitioning() {
        Scenario base = scenario(false, IommuMode.LVL1);
        assertEquals(0x7f, base.ddi(0x7f, 0));
        Capabilities c = base.caps;
        assertFalse(c.extendedDeviceContext());
        Scenario ext = scenario(true, IommuMode.LVL1);
        assertEquals(Cause.TRANSACTION_TYPE_DISALLOWED, ext.read(0x7f, 0).cause(), "DDI[1] != 0 in extended format");
    }
}
