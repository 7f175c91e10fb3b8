package dev.lockstep.engine;

import dev.lockstep.refmodel.TranslationOutcome;
import dev.lockstep.refmodel.TranslationRequest;

/**
 * Whether a DUT's translation completion (its event word and PA, {@code lockstep_dut.h}) shows a
 * permitted outcome: one rule for the engine and for the tools that follow a logged run ({@code explain}).
 */
public final class Completions {
    private Completions() {}

    /**
     * The same ATS request without No Write: a translation agent may answer a request with No Write as
     * this one ({@link AtsChoices}).
     */
    public static TranslationRequest withoutNoWrite(TranslationRequest req) {
        return new TranslationRequest(req.deviceId(), req.pv(), req.processId(), req.priv(), req.ttyp(), req.iova(),
                TranslationRequest.NO_DATA, false, req.execRequested(), req.cxl());
    }

    /**
     * For an untranslated or translated request: status, cause, PA and PBMT; for an ATS translation
     * request ({@code ats}) the completion rules of {@link AtsCompletion}.
     */
    public static boolean matches(TranslationOutcome o, long word, long pa, boolean ats) {
        if (ats) return AtsCompletion.matches(o, word, pa);
        int status = DutObservations.status(word);
        if (o.fault()) return status != 0 && DutObservations.cause(word) == o.record().cause();
        return status == 0 && pa == o.pa() && DutObservations.pbmt(word) == o.pbmt();
    }
}
