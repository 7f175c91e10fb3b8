package dev.lockstep.stimulus;

import static dev.lockstep.refmodel.ddt.DeviceContext.*;

import dev.lockstep.refmodel.regs.Capabilities;
import dev.lockstep.refmodel.regs.IommuConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Makes a valid device context misconfigured in one of the ways the spec lists (spec: "Device-context
 * configuration checks"; cause 259), chosen among those the capabilities make applicable: a reserved
 * bit, a feature the IOMMU lacks, T2GPA without EN_ATS or without a G stage, an invalid or unsupported
 * mode, a misaligned G-stage root, an illegal SBE or SXL. Context words: dw0 tc, dw1 iohgatp, dw2 ta, dw3 fsc, dw4 msiptp (extended only).
 */
final class DcMisconfiguration {
    private DcMisconfiguration() {}

    /** Applies one rule to {@code dc}; returns its name (for the store's description). */
    static String apply(SplittableRandom random, long[] dc, IommuConfig config, boolean extended) {
        Capabilities caps = config.capabilities();
        List<String> rules = new ArrayList<>(List.of("reserved tc bit", "reserved ta bit", "reserved fsc bit"));
        if (!caps.ats()) rules.add("EN_ATS without capabilities.ATS");
        if (!caps.t2gpa()) rules.add("T2GPA without capabilities.T2GPA");
        if (caps.ats()) {
            rules.add("EN_PRI without EN_ATS");
            if (caps.t2gpa()) rules.add("T2GPA without EN_ATS");
            if (caps.t2gpa() && (dc[1] >>> 60) == 0) rules.add("T2GPA with iohgatp Bare");
            rules.add("PRPR without EN_PRI");
        }
        boolean pdtv = (dc[0] & TC_PDTV) != 0;
        rules.add(pdtv ? "reserved pdtp.MODE" : "reserved iosatp.MODE");
        if (!pdtv) rules.add("DPE with PDTV=0");
        if (!pdtv && !caps.sv57()) rules.add("iosatp.MODE Sv57 unsupported");
        rules.add("reserved iohgatp.MODE");
        if (!caps.sv57x4()) rules.add("iohgatp.MODE Sv57x4 unsupported");
        if ((dc[1] >>> 60) != 0) rules.add("G-stage root not 16 KiB aligned");
        if (extended) rules.add("reserved msiptp.MODE");
        // "If fctl.BE is not writable then DC.tc.SBE must be the same as fctl.BE" (END=1 included).
        boolean beFixed = !caps.end() || (config.fctlWritableMask() & IommuConfig.FCTL_BE) == 0;
        if (beFixed) rules.add("SBE differs from fctl.BE");
        if ((config.fctlWritableMask() & IommuConfig.FCTL_GXL) == 0 && (config.fctlReset() & IommuConfig.FCTL_GXL) == 0) {
            rules.add("SXL=1 while fctl.GXL is 0 and not writable");
        }
        String rule = rules.get(random.nextInt(rules.size()));
        switch (rule) {
            case "reserved tc bit": dc[0] |= 1L << (12 + random.nextInt(12)); break;
            case "reserved ta bit": dc[2] |= random.nextBoolean() ? 1L << random.nextInt(12) : 1L << (32 + random.nextInt(8)); break;
            case "reserved fsc bit": dc[3] |= 1L << (44 + random.nextInt(16)); break;
            case "EN_ATS without capabilities.ATS": dc[0] |= TC_EN_ATS; break;
            case "T2GPA without capabilities.T2GPA": dc[0] |= TC_T2GPA; break;
            case "T2GPA without EN_ATS": dc[0] = (dc[0] & ~(TC_EN_ATS | TC_EN_PRI | TC_PRPR)) | TC_T2GPA; break;
            case "T2GPA with iohgatp Bare": dc[0] |= TC_EN_ATS | TC_T2GPA; break;
            case "EN_PRI without EN_ATS": dc[0] = (dc[0] & ~TC_EN_ATS) | TC_EN_PRI; break;
            case "PRPR without EN_PRI": dc[0] = (dc[0] & ~TC_EN_PRI) | TC_PRPR; break;
            case "reserved pdtp.MODE": dc[3] = (dc[3] & ~(0xfL << 60)) | ((long) (4 + random.nextInt(10)) << 60); break;
            case "reserved iosatp.MODE": dc[3] = (dc[3] & ~(0xfL << 60)) | ((long) (1 + random.nextInt(7)) << 60); break;
            case "DPE with PDTV=0": dc[0] |= TC_DPE; break;
            case "iosatp.MODE Sv57 unsupported": dc[3] = (dc[3] & ~(0xfL << 60)) | (10L << 60); break;
            case "reserved iohgatp.MODE": dc[1] = (dc[1] & ~(0xfL << 60)) | ((long) (1 + random.nextInt(7)) << 60); break;
            case "iohgatp.MODE Sv57x4 unsupported": dc[1] = (dc[1] & ~(0xfL << 60)) | (10L << 60); break;
            case "G-stage root not 16 KiB aligned": dc[1] |= 1 + random.nextInt(3); break;
            case "reserved msiptp.MODE": dc[4] = (dc[4] & ~(0xfL << 60)) | ((long) (2 + random.nextInt(12)) << 60); break;
            case "SBE differs from fctl.BE":
                dc[0] = (config.fctlReset() & IommuConfig.FCTL_BE) != 0 ? dc[0] & ~TC_SBE : dc[0] | TC_SBE;
                break;
            default: dc[0] |= TC_SXL; break;
        }
        return rule;
    }
}
