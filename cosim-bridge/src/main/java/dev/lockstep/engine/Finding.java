package dev.lockstep.engine;

import dev.lockstep.triage.Signature;
import java.util.ArrayList;
import java.util.List;

/**
 * What one check found differing: a {@link Divergence} without the seed's context (action index, cycle,
 * leading actions, reproduce command, DUT build), which the engine adds when it reports it.
 *
 * @param during what was being compared when it is not the action itself (the end-of-seed image
 *               comparison), else null
 * @param walk   the model's walk trace, for a translation, else null
 */
record Finding(String during, String subject, List<Divergence.FieldMismatch> fields, String rule, String walk,
               Signature signature) {

    /** A finding on the action being applied, without a walk trace. */
    Finding(String subject, List<Divergence.FieldMismatch> fields, String rule, Signature signature) {
        this(null, subject, fields, rule, null, signature);
    }

    Finding withWalk(String modelWalk) {
        return new Finding(during, subject, fields, rule, modelWalk, signature);
    }

    /** The names of {@code fields}, in order (for signatures). */
    static List<String> names(List<Divergence.FieldMismatch> fields) {
        List<String> n = new ArrayList<>();
        for (Divergence.FieldMismatch f : fields) n.add(f.field());
        return n;
    }
}
