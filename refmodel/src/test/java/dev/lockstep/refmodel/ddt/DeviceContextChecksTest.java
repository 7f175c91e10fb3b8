package dev.lockstep.refmodel.ddt;

import static org.junit.jupiter.api.Assertions.*;

import dev.lockstep.refmodel.fault.Cause;
import dev.lockstep.refmodel.regs.Capabilities;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.refmodel.regs.IommuMode;
import dev.lockstep.refmodel.testutil.Dc;
import dev.lockstep.refmodel.testutil.Scenario;
import dev.lockstep.refmodel.trace.Rule;
import dev.lockstep.refmodel.translate.Outcome;
import dev.lockstep.refmodel.translate.Status;
import dev.lockstep.refmodel.translate.TranslatorOptions;
import java.util.EnumSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * IOMMU "Device-context configuration checks" (DC_MISCONFIG): each rule makes a DC misconfigured
 * (cause 259, reported even with DTF=1), and a neighbouring legal DC differing in that field is
 * accepted.
 */
class DeviceContextChecksTest {

    static final int DID = 0x21;

    /** One rule: its misconfigured DC, a legal neighbour, and the capabilities/fctl/options they're checked under. */
    record Case(String name, Rule rule, Capabilities caps, boolean gxl, boolean be, boolean gxlWritable,
                Consumer<Dc> bad, Consumer<Dc> good) {
        @Override public String toString() { return name; }
    }

    static Capabilities full() { return Scenario.fullCaps(true).build(); }
    static Capabilities without(int bit) { return new Capabilities(full().value() & ~(1L << bit)); }

    static Stream<Arguments> cases() {
        Capabilities f = full();
        return Stream.of(
                new Case("tc reserved bit 12", Rule.DC_RESERVED, f, false, false, false, d -> d.tc(1L << 12), d -> {}),
                new Case("tc reserved bit 32", Rule.DC_RESERVED, f, false, false, false, d -> d.tc(1L << 32), d -> d.tc(1L << 24) /* custom */),
                new Case("ta reserved bit 0", Rule.DC_RESERVED, f, false, false, false, d -> d.ta |= 1, d -> d.pscid(0xfffff)),
                new Case("ta RCID without QOSID", Rule.DC_RESERVED, f, false, false, false, d -> d.ta |= 1L << 40, d -> {}),
                new Case("fsc reserved bit 44", Rule.DC_RESERVED, f, false, false, false, d -> d.fsc |= 1L << 44, d -> d.fsc |= 1L << 43),
                new Case("msiptp reserved bit 50", Rule.DC_RESERVED, f, false, false, false, d -> d.msiptp |= 1L << 50, d -> d.msiptp |= 1L << 43),
                new Case("msi_addr_mask above MGPAW", Rule.DC_RESERVED, f, false, false, false,
                        d -> d.msiAddrMask = 1L << (59 - 12), d -> d.msiAddrMask = 1L << (59 - 13)),
                new Case("msi_addr_pattern bit 52", Rule.DC_RESERVED, f, false, false, false, d -> d.msiAddrPattern = 1L << 52, d -> {}),
                new Case("reserved doubleword 7", Rule.DC_RESERVED, f, false, false, false, d -> d.reserved = 1, d -> {}),
                new Case("EN_ATS without capabilities.ATS", Rule.DC_ATS_NOT_SUPPORTED, without(25), false, false, false,
                        d -> d.tc(Dc.EN_ATS), d -> {}),
                new Case("PRPR without capabilities.ATS", Rule.DC_ATS_NOT_SUPPORTED, without(25), false, false, false,
                        d -> d.tc(Dc.PRPR), d -> {}),
                new Case("T2GPA without EN_ATS", Rule.DC_T2GPA_WITHOUT_ATS, f, false, false, false,
                        d -> d.tc(Dc.T2GPA).iohgatp(8, 0, gRoot()), d -> d.tc(Dc.T2GPA | Dc.EN_ATS).iohgatp(8, 0, gRoot())),
                new Case("EN_PRI without EN_ATS", Rule.DC_PRI_WITHOUT_ATS, f, false, false, false,
                        d -> d.tc(Dc.EN_PRI), d -> d.tc(Dc.EN_PRI | Dc.EN_ATS)),
                new Case("PRPR without EN_PRI", Rule.DC_PRPR_WITHOUT_PRI, f, false, false, false,
                        d -> d.tc(Dc.PRPR | Dc.EN_ATS), d -> d.tc(Dc.PRPR | Dc.EN_ATS | Dc.EN_PRI)),
                new Case("T2GPA without capabilities.T2GPA", Rule.DC_T2GPA_NOT_SUPPORTED, without(26), false, false, false,
                        d -> d.tc(Dc.T2GPA | Dc.EN_ATS).iohgatp(8, 0, gRoot()), d -> d.tc(Dc.EN_ATS).iohgatp(8, 0, gRoot())),
                new Case("T2GPA with iohgatp Bare", Rule.DC_T2GPA_G_BARE, f, false, false, false,
                        d -> d.tc(Dc.T2GPA | Dc.EN_ATS), d -> d.tc(Dc.T2GPA | Dc.EN_ATS).iohgatp(8, 0, gRoot())),
                new Case("pdtp.MODE PD20 without capabilities.PD20", Rule.DC_PDTP_MODE, without(40), false, false, false,
                        d -> d.tc(Dc.PDTV).fsc(3, 0x100), d -> d.tc(Dc.PDTV).fsc(2, 0x100)),
                new Case("pdtp.MODE PD17 without capabilities.PD17", Rule.DC_PDTP_MODE, without(39), false, false, false,
                        d -> d.tc(Dc.PDTV).fsc(2, 0x100), d -> d.tc(Dc.PDTV).fsc(1, 0x100)),
                new Case("pdtp.MODE PD8 without capabilities.PD8", Rule.DC_PDTP_MODE, without(38), false, false, false,
                        d -> d.tc(Dc.PDTV).fsc(1, 0x100), d -> d.tc(Dc.PDTV).fsc(3, 0x100)),
                new Case("pdtp.MODE reserved 4", Rule.DC_PDTP_MODE, f, false, false, false,
                        d -> d.tc(Dc.PDTV).fsc(4, 0), d -> d.tc(Dc.PDTV).fsc(0, 0)),
                new Case("iosatp.MODE reserved 7", Rule.DC_IOSATP_MODE, f, false, false, false, d -> d.fsc(7, 0), d -> d.fsc(0, 0)),
                new Case("iosatp.MODE Sv39 without capabilities.Sv39", Rule.DC_IOSATP_MODE, without(9), false, false, false,
                        d -> d.fsc(8, 0x100), d -> d.fsc(9, 0x100)),
                new Case("iosatp.MODE Sv48 without capabilities.Sv48", Rule.DC_IOSATP_MODE, without(10), false, false, false,
                        d -> d.fsc(9, 0x100), d -> d.fsc(10, 0x100)),
                new Case("iosatp.MODE Sv57 without capabilities.Sv57", Rule.DC_IOSATP_MODE, without(11), false, false, false,
                        d -> d.fsc(10, 0x100), d -> d.fsc(8, 0x100)),
                new Case("iosatp.MODE 9 is reserved with SXL=1", Rule.DC_IOSATP_MODE, f, false, false, true,
                        d -> d.tc(Dc.SXL).fsc(9, 0x100), d -> d.tc(Dc.SXL).fsc(8, 0x100)),
                new Case("iosatp.MODE Sv32 without capabilities.Sv32", Rule.DC_IOSATP_MODE, without(8), false, false, true,
                        d -> d.tc(Dc.SXL).fsc(8, 0x100), d -> d.tc(Dc.SXL)),
                new Case("DPE with PDTV=0", Rule.DC_DPE_WITHOUT_PDTV, f, false, false, false, d -> d.tc(Dc.DPE), d -> d.tc(Dc.DPE | Dc.PDTV)),
                new Case("iohgatp.MODE reserved 1", Rule.DC_IOHGATP_MODE, f, false, false, false, d -> d.iohgatp(1, 0, gRoot()), d -> d.iohgatp(0, 0, 0)),
                new Case("iohgatp.MODE Sv39x4 without capability", Rule.DC_IOHGATP_MODE, without(17), false, false, false,
                        d -> d.iohgatp(8, 0, gRoot()), d -> d.iohgatp(9, 0, gRoot())),
                new Case("iohgatp.MODE Sv48x4 without capability", Rule.DC_IOHGATP_MODE, without(18), false, false, false,
                        d -> d.iohgatp(9, 0, gRoot()), d -> d.iohgatp(10, 0, gRoot())),
                new Case("iohgatp.MODE Sv57x4 without capability", Rule.DC_IOHGATP_MODE, without(19), false, false, false,
                        d -> d.iohgatp(10, 0, gRoot()), d -> d.iohgatp(8, 0, gRoot())),
                new Case("iohgatp.MODE Sv32x4 without capability (GXL=1)", Rule.DC_IOHGATP_MODE, without(16), true, false, false,
                        d -> d.tc(Dc.SXL).iohgatp(8, 0, gRoot()), d -> d.tc(Dc.SXL)),
                new Case("iohgatp.MODE 9 reserved with GXL=1", Rule.DC_IOHGATP_MODE, f, true, false, false,
                        d -> d.tc(Dc.SXL).iohgatp(9, 0, gRoot()), d -> d.tc(Dc.SXL).iohgatp(8, 0, gRoot())),
                new Case("msiptp.MODE reserved 2", Rule.DC_MSIPTP_MODE, f, false, false, false,
                        d -> d.iohgatp(8, 0, gRoot()).msi(2, 0x100, 0, 0), d -> d.iohgatp(8, 0, gRoot()).msi(1, 0x100, 0, 0)),
                new Case("iohgatp root not 16-KiB aligned", Rule.DC_IOHGATP_ALIGNMENT, f, false, false, false,
                        d -> d.iohgatp(8, 0, gRoot() + 1), d -> d.iohgatp(8, 0, gRoot())),
                new Case("SADE without AMO_HWAD", Rule.DC_AD_NOT_SUPPORTED, without(24), false, false, false, d -> d.tc(Dc.SADE), d -> {}),
                new Case("GADE without AMO_HWAD", Rule.DC_AD_NOT_SUPPORTED, without(24), false, false, false, d -> d.tc(Dc.GADE), d -> {}),
                new Case("SBE != fctl.BE without END", Rule.DC_SBE, without(27), false, false, false, d -> d.tc(Dc.SBE), d -> {}),
                new Case("SXL=0 with fctl.GXL=1", Rule.DC_SXL, f, true, false, false, d -> {}, d -> d.tc(Dc.SXL)),
                new Case("SXL=1 with GXL=0 not writable", Rule.DC_SXL, f, false, false, false, d -> d.tc(Dc.SXL), d -> {}),
                new Case("msiptp not Off with iohgatp Bare", Rule.DC_MSIPTP_WITH_G_BARE, f, false, false, false,
                        d -> d.msi(1, 0x100, 0, 0), d -> d.msi(1, 0x100, 0, 0).iohgatp(8, 0, gRoot()))
        ).map(Arguments::of);
    }

    /** A 16-KiB aligned PPN in the test's table region (contents irrelevant: no translation reaches it). */
    static long gRoot() { return (Scenario.TABLES + 0x10_0000) >>> 12; }

    Outcome run(Case c, Consumer<Dc> shape) {
        Scenario s = new Scenario(c.caps(), IommuMode.LVL1);
        s.gxl = c.gxl();
        s.be = c.be();
        s.options = new TranslatorOptions(c.gxlWritable(), true, 21);
        Dc dc = new Dc().tc(Dc.DTF);
        shape.accept(dc);
        s.writeDc(DID, dc);
        return s.read(DID, 0x4000);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void misconfigured_dc_is_259_even_with_dtf(Case c) {
        Outcome o = run(c, c.bad());
        assertEquals(Cause.DDT_ENTRY_MISCONFIGURED, o.cause(), o::toString);
        assertEquals(c.rule(), o.trace().rule());
        assertTrue(o.recordFault(), "259 is reported despite DTF");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void neighbouring_legal_dc_is_not_misconfigured(Case c) {
        Outcome o = run(c, c.good());
        assertNotEquals(Cause.DDT_ENTRY_MISCONFIGURED, o.cause(), o::toString);
    }

    /**
     * DC_MISCONFIG: "DC.tc.SBE value is not a legal value. If fctl.BE is writable then DC.tc.SBE may be 0 or
     * 1. If fctl.BE is not writable then DC.tc.SBE must be the same as fctl.BE", with capabilities.END=1
     * too; whether BE is writable comes from the configuration's fctl writable mask.
     */
    @org.junit.jupiter.api.Test
    void sbe_must_equal_a_fixed_fctl_be_even_with_end() {
        Capabilities withEnd = full();
        assertTrue(withEnd.end());
        for (boolean be : new boolean[] {false, true}) {
            IommuConfig fixed = new IommuConfig(withEnd, 0, be ? IommuConfig.FCTL_BE : 0, IommuMode.OFF,
                    EnumSet.allOf(IommuMode.class));
            assertFalse(TranslatorOptions.from(fixed).beWritable());
            Outcome bad = sbe(fixed, be, !be);
            assertEquals(Cause.DDT_ENTRY_MISCONFIGURED, bad.cause(), bad::toString);
            assertEquals(Rule.DC_SBE, bad.trace().rule());
            assertNotEquals(Cause.DDT_ENTRY_MISCONFIGURED, sbe(fixed, be, be).cause(), "SBE = the fixed BE");
            IommuConfig writable = fixed.withFctl(IommuConfig.FCTL_BE, fixed.fctlReset());
            assertTrue(TranslatorOptions.from(writable).beWritable());
            assertNotEquals(Cause.DDT_ENTRY_MISCONFIGURED, sbe(writable, be, !be).cause(), "BE writable: SBE may differ");
        }
    }

    /** A read through a DC with tc.SBE={@code sbe} under fctl.BE={@code be} and {@code config}'s options. */
    private static Outcome sbe(IommuConfig config, boolean be, boolean sbe) {
        Scenario s = new Scenario(config.capabilities(), IommuMode.LVL1);
        s.be = be;
        s.options = TranslatorOptions.from(config);
        s.writeDc(DID, sbe ? new Dc().tc(Dc.SBE) : new Dc());
        return s.read(DID, 0x4000);
    }

    @org.junit.jupiter.api.Test
    void the_recommended_msiptp_check_is_an_option() {
        Scenario s = new Scenario(full(), IommuMode.LVL1);
        s.options = new TranslatorOptions(false, false, 21);
        s.writeDc(DID, new Dc().msi(1, 0x100, 0, 0));
        assertEquals(Status.SUCCESS, s.read(DID, 0x4000).status());
    }
}
