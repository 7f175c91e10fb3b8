package dev.lockstep.refmodel;

import dev.lockstep.refmodel.fault.FaultRecord;

/**
 * The architectural result of one translation: either a translation (PA, permissions R/W/X granted,
 * resolved PBMT, page size as log2 bytes) or a fault with its record, and whether that record goes to
 * the fault queue (DC.tc.DTF may suppress it). For a PCIe ATS translation request, {@code ats} holds
 * the completion's other fields (spec: "PCIe ATS translation request" completion rules): U
 * (untranslated only, MRIF), G (global, with a PASID), Priv, and whether the range size is
 * implementation-defined (a Bare stage). Two outcomes are the same outcome when they are equal.
 */
public record TranslationOutcome(boolean fault, long pa, int permissions, int pbmt, int pageShift,
                                 FaultRecord record, boolean reported, int ats) {

    public static final int R = 1;
    public static final int W = 2;
    public static final int X = 4;

    /** ATS completion flags. */
    public static final int ATS_U = 1;
    public static final int ATS_G = 2;
    public static final int ATS_PRIV = 4;
    public static final int ATS_SIZE_IMPLEMENTATION_DEFINED = 8;

    public static TranslationOutcome success(long pa, int permissions, int pbmt, int pageShift) {
        return success(pa, permissions, pbmt, pageShift, 0);
    }

    public static TranslationOutcome success(long pa, int permissions, int pbmt, int pageShift, int ats) {
        return new TranslationOutcome(false, pa, permissions, pbmt, pageShift, null, false, ats);
    }

    public static TranslationOutcome fault(FaultRecord record, boolean reported) {
        return new TranslationOutcome(true, 0, 0, 0, 0, record, reported, 0);
    }

    @Override
    public String toString() {
        return fault ? "fault{cause=" + record.cause() + ", iotval=0x" + Long.toHexString(record.iotval())
                + (reported ? "" : ", suppressed") + "}"
                : "ok{pa=0x" + Long.toHexString(pa) + ", perms=" + permissions + ", pbmt=" + pbmt
                + ", page=2^" + pageShift + (ats == 0 ? "" : ", ats=" + ats) + "}";
    }
}
