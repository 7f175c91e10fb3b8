package dev.lockstep.engine;

import dev.lockstep.refmodel.TranslationRequest;
import dev.lockstep.refmodel.cache.CachingModel;
import dev.lockstep.refmodel.effect.EffectSink;
import dev.lockstep.refmodel.mem.PhysicalMemory;
import java.util.ArrayList;
import java.util.List;

/**
 * PCIe ATS completions the spec leaves to the translation agent beyond the model's own choice.
 *
 * <ul>
 * <li>No Write: "a Success response is returned with the denied permission (R, W or X) set to 0 and the
 *     other permission bits set to the value determined from the page tables" ("PCIe ATS translation
 *     request handling"). With No Write set, W is not requested, hence not denied: the completion may
 *     carry W=0 (the model's answer) or the page's write permission, as the request without No Write
 *     would grant it (PCIe lets a translation agent ignore No Write). Returning W=1 lets the device write
 *     without another translation, so the IOMMU then makes the A/D updates of a write (D included),
 *     exactly as for the request without No Write.</li>
 * <li>The cause of an access fault in the walk ({@link AtsCompletion#isAccessFault}): the DUT's cause is
 *     taken into the model's fault record.</li>
 * </ul>
 */
final class AtsChoices {
    private AtsChoices() {}

    /** The same ATS request without No Write, or null when {@code req} is not an ATS request with No Write. */
    static TranslationRequest writeRequested(TranslationRequest req) {
        return req.noWrite() ? Completions.withoutNoWrite(req) : null;
    }

    /** The candidates of the request without No Write that grant W: also permitted with No Write. */
    static List<CachingModel.Candidate> grantingWrite(List<CachingModel.Candidate> candidates) {
        List<CachingModel.Candidate> out = new ArrayList<>();
        for (CachingModel.Candidate c : candidates) {
            if (!c.outcome().fault() && (c.outcome().permissions() & dev.lockstep.refmodel.TranslationOutcome.W) != 0) {
                out.add(c);
            }
        }
        return out;
    }

    /**
     * Puts {@code cause} into the fault record the model just wrote (in {@code effects} and in
     * {@code memory}; fctl.BE byte order when {@code bigEndian}): the DUT reported the access fault with
     * another cause the spec permits.
     */
    static void takeCause(EffectRecorder effects, PhysicalMemory memory, int cause, boolean bigEndian) {
        for (int i = 0; i < effects.writes; i++) {
            if (effects.writeKind[i] != EffectSink.WRITE_FAULT_RECORD || (effects.writePa[i] & 31) != 0
                    || effects.writeSize[i] != 8) {
                continue;
            }
            long v = bigEndian ? Long.reverseBytes(effects.writeValue[i]) : effects.writeValue[i];
            v = (v & ~0xfffL) | cause;
            long stored = bigEndian ? Long.reverseBytes(v) : v;
            effects.writeValue[i] = stored;
            memory.store64(effects.writePa[i], stored);
            return;
        }
    }
}
