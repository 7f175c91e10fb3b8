package dev.lockstep.refmodel;

import dev.lockstep.refmodel.fault.FaultRecord;

/**
 * The architectural result of one translation: either a translation (PA, permissions R/W/X granted,
 * resolved PBMT, page size as log2 bytes) or a fault with its record, and whether that record goes to
 * the fault queue (DC.tc.DTF may suppress it). For a PCIe ATS translation request, {@code ats} holds
 * the completion's other fields (spec: "PCIe ATS translation request" completion rules): U
 * (untranslated only, MRIF), G (global, with a PASID), Priv, whether the range size is
 * implementation-defined (a Bare stage), CXL.io, and which of G and CXL.io the spec leaves open for this
 * completion. Two outcomes are the same outcome when they are equal.
 *
 * <p>{@code mrif} is set when an untranslated or translated request reached an MRIF-mode MSI PTE: the
 * three values the spec's MRIF note says the IOMMU provides to the IO bridge (destination MRIF
 * address, notice MSI address and data); {@code pa} is then the MRIF address. Otherwise null.
 */
public record TranslationOutcome(boolean fault, long pa, int permissions, int pbmt, int pageShift,
                                 FaultRecord record, boolean reported, int ats, Mrif mrif) {

    public static final int R = 1;
    public static final int W = 2;
    public static final int X = 4;

    /** ATS completion flags. */
    public static final int ATS_U = 1;
    public static final int ATS_G = 2;
    public static final int ATS_PRIV = 4;
    public static final int ATS_SIZE_IMPLEMENTATION_DEFINED = 8;
    /** CXL.io set (meaningful unless {@link #ATS_CXL_IO_UNSPECIFIED}). */
    public static final int ATS_CXL_IO = 16;
    /** CXL.io is UNSPECIFIED for this completion: 0 and 1 are both legal. */
    public static final int ATS_CXL_IO_UNSPECIFIED = 32;
    /** G is open for this completion (a U/SUM denial, see Outcome#globalUnspecified): 0 and 1 are both legal. */
    public static final int ATS_G_UNSPECIFIED = 64;

    /**
     * The destination of an MSI translated by an MRIF-mode MSI PTE (spec "Process to translate addresses
     * of MSIs", MRIF mode): {@code address} = MRIF_Address[55:9] x 512, {@code noticeAddress} = NPPN << 12,
     * {@code noticeData} = NID = N10 << 10 | N[9:0] (zero-extended), and {@code dtf} = DC.tc.DTF of the
     * device, which suppresses the record of a fault while recording the MSI (causes 264, 271).
     */
    public record Mrif(long address, long noticeAddress, int noticeData, boolean dtf) {
        @Override
        public String toString() {
            return "MRIF=0x" + Long.toHexString(address) + " notice=0x" + Long.toHexString(noticeAddress)
                    + " nid=" + noticeData + (dtf ? " dtf" : "");
        }
    }

    /** An outcome without MRIF destination. */
    public TranslationOutcome(boolean fault, long pa, int permissions, int pbmt, int pageShift,
                              FaultRecord record, boolean reported, int ats) {
        this(fault, pa, permissions, pbmt, pageShift, record, reported, ats, null);
    }

    public static TranslationOutcome success(long pa, int permissions, int pbmt, int pageShift) {
        return success(pa, permissions, pbmt, pageShift, 0);
    }

    public static TranslationOutcome success(long pa, int permissions, int pbmt, int pageShift, int ats) {
        return new TranslationOutcome(false, pa, permissions, pbmt, pageShift, null, false, ats, null);
    }

    /** A success whose address is an MRIF (the page's permissions, PBMT 0, 4 KiB). */
    public static TranslationOutcome mrif(int permissions, Mrif mrif) {
        return new TranslationOutcome(false, mrif.address(), permissions, 0, 12, null, false, 0, mrif);
    }

    public static TranslationOutcome fault(FaultRecord record, boolean reported) {
        return new TranslationOutcome(true, 0, 0, 0, 0, record, reported, 0, null);
    }

    @Override
    public String toString() {
        return fault ? "fault{cause=" + record.cause() + ", iotval=0x" + Long.toHexString(record.iotval())
                + (reported ? "" : ", suppressed") + "}"
                : "ok{pa=0x" + Long.toHexString(pa) + ", perms=" + permissions + ", pbmt=" + pbmt
                + ", page=2^" + pageShift + (ats == 0 ? "" : ", ats=" + ats) + (mrif == null ? "" : ", " + mrif) + "}";
    }
}
