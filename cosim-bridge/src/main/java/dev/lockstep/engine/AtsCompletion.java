package dev.lockstep.engine;

import dev.lockstep.refmodel.TranslationOutcome;
import dev.lockstep.refmodel.translate.Status;
import java.util.ArrayList;
import java.util.List;

/**
 * How a PCIe ATS translation completion is compared (spec: "PCIe ATS translation request" and the
 * completion rules of the translation process): status Unsupported Request for causes 256-260 and
 * Completer Abort for the access-fault and corruption causes; on success the R/W/X permissions, U,
 * G, Priv and the range. The range may be reported smaller than the translation's page (down to 4 KiB),
 * and any size is allowed when a stage is Bare (implementation-defined), but its base must be where the
 * model's translation puts it.
 *
 * <p>Priv, G and CXL.io are compared in every Success, those with R=W=0 included (spec: "the setting of
 * the Priv, N, CXL.io, Global, and AMA fields"): Priv is the PASID's "Privilege Mode Requested"; Global
 * is "the value determined from the first-stage page tables if translation could be successfully
 * completed and the request had a PASID present. In all other cases ... set to 0", so it is the first
 * stage's G for a translation that completed without granting a permission ("successfully completed but
 * the requested permissions are not present") and 0 after a fault, and it is masked only for a first-stage
 * U-bit denial, which the spec describes apart from both ({@link TranslationOutcome#ATS_G_UNSPECIFIED});
 * CXL.io is masked where the spec says UNSPECIFIED ({@link TranslationOutcome#ATS_CXL_IO_UNSPECIFIED}).
 * The translated address (and so the range) of a Success with R=W=0 is UNSPECIFIED after a fault and
 * carries no permission otherwise: not compared. Masked, not guessed.
 */
final class AtsCompletion {
    private AtsCompletion() {}

    static final int STATUS_SUCCESS = 0;
    static final int STATUS_UR = 1;
    static final int STATUS_CA = 2;

    /**
     * The completion status of a faulting ATS request whose fault has {@code cause}, as the model's rule
     * gives it ({@link dev.lockstep.refmodel.translate.AtsCompletion#statusFor}), in the DUT port's encoding.
     */
    static int faultStatus(int cause) {
        Status s = dev.lockstep.refmodel.translate.AtsCompletion.statusFor(cause);
        return s == Status.UNSUPPORTED_REQUEST ? STATUS_UR : s == Status.COMPLETER_ABORT ? STATUS_CA : STATUS_SUCCESS;
    }

    /**
     * Whether {@code cause} is one of the access faults of the spec's Completer Abort list ("Instruction
     * access fault (cause = 1)", "Read access fault (cause = 5)", "Write/AMO access fault (cause = 7)";
     * "PCIe ATS translation request handling"). A PTE access that faults during an ATS translation walk
     * is reported "corresponding to the original access type" (Priv, step 2), which the spec does not
     * define for a translation request: any of the three is accepted, in the completion and in the fault
     * record alike (which must agree).
     */
    static boolean isAccessFault(int cause) {
        return cause == 1 || cause == 5 || cause == 7;
    }

    /** log2 of the range a completion reports: 4 KiB when S=0, else from the first 0 bit of the PPN. */
    static int reportedShift(long word, long pa) {
        if (((word >>> 27) & 1) == 0) return 12;
        long ppn = pa >>> 12;
        return 12 + Long.numberOfTrailingZeros(~ppn) + 1;
    }

    static boolean matches(TranslationOutcome o, long word, long pa) {
        return mismatches(o, word, pa).isEmpty();
    }

    /** The fields of the DUT's ATS completion that differ from outcome {@code o}. */
    static List<Divergence.FieldMismatch> mismatches(TranslationOutcome o, long word, long pa) {
        List<Divergence.FieldMismatch> f = new ArrayList<>();
        int status = DutObservations.status(word);
        int cause = DutObservations.cause(word);
        if (o.fault()) {
            int want = faultStatus(o.record().cause());
            Divergence.FieldMismatch.addIfDifferent(f, "status (0 ok, 1 UR, 2 CA)", "-", want, status);
            if (!(isAccessFault(o.record().cause()) && isAccessFault(cause))) {
                Divergence.FieldMismatch.addIfDifferent(f, "cause", "11:0", o.record().cause(), cause);
            }
            return f;
        }
        if (status != STATUS_SUCCESS) {
            f.add(new Divergence.FieldMismatch("status (0 ok, 1 UR, 2 CA)", "-", STATUS_SUCCESS, status));
            return f;
        }
        int perms = (int) ((word >>> 20) & 7);
        Divergence.FieldMismatch.addIfDifferent(f, "R/W/X", "2:0", o.permissions(), perms);
        field(f, "U", (o.ats() & TranslationOutcome.ATS_U) != 0, ((word >>> 23) & 1) != 0);
        field(f, "Priv", (o.ats() & TranslationOutcome.ATS_PRIV) != 0, DutObservations.priv(word));
        if ((o.ats() & TranslationOutcome.ATS_G_UNSPECIFIED) == 0) {
            field(f, "G", (o.ats() & TranslationOutcome.ATS_G) != 0, ((word >>> 24) & 1) != 0);
        }
        if ((o.ats() & TranslationOutcome.ATS_CXL_IO_UNSPECIFIED) == 0) {
            field(f, "CXL.io", (o.ats() & TranslationOutcome.ATS_CXL_IO) != 0, DutObservations.cxlIo(word));
        }
        if ((o.permissions() & (TranslationOutcome.R | TranslationOutcome.W)) == 0) return f;
        int shift = reportedShift(word, pa);
        boolean anySize = (o.ats() & TranslationOutcome.ATS_SIZE_IMPLEMENTATION_DEFINED) != 0;
        if (shift > 63 || (!anySize && shift > o.pageShift())) {
            f.add(new Divergence.FieldMismatch("range (log2 bytes)", "-", o.pageShift(), shift));
        } else {
            long base = shift >= 64 ? 0 : ~((1L << shift) - 1);
            if ((pa & base) != (o.pa() & base)) {
                f.add(new Divergence.FieldMismatch("translated address", "63:12", o.pa() & base, pa & base));
            }
        }
        return f;
    }

    private static void field(List<Divergence.FieldMismatch> f, String name, boolean want, boolean got) {
        Divergence.FieldMismatch.addIfDifferent(f, name, "-", want ? 1 : 0, got ? 1 : 0);
    }
}
