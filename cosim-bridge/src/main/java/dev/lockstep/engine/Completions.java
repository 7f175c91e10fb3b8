package dev.lockstep.engine;

import dev.lockstep.refmodel.TranslationOutcome;

/**
 * Whether a DUT's translation completion (its event word and PA, {@code lockstep_dut.h}) shows a
 * permitted outcome: one rule for the engine and for the tools that follow a logged run ({@code explain}).
 */
public final class Completions {
    private Completions() {}

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
