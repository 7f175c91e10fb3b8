package dev.lockstep.engine;

import dev.lockstep.dut.DutException;
import dev.lockstep.stimulus.Action;
import dev.lockstep.triage.Signature;
import java.util.List;

/**
 * The interrupt wires of one action: the model's edges against the DUT's, in order, line and level
 * (spec: ipsr, icvec: with fctl.WSI=1 the ipsr bit of a source drives the wire icvec selects for it).
 */
final class InterruptCheck {
    private InterruptCheck() {}

    static final String RULE = "with fctl.WSI=1 the ipsr bit of a source drives the wire icvec selects for it "
            + "(spec: ipsr, icvec)";

    /** The first edge that differs after {@code action}, or null. */
    static Finding compare(SeedContext seed, Action action) throws DutException {
        EffectRecorder effects = seed.effects;
        DutObservations observed = seed.observed;
        int n = Math.max(effects.edges, observed.edges);
        for (int i = 0; i < n; i++) {
            boolean haveModel = i < effects.edges;
            boolean haveDut = i < observed.edges;
            if (haveModel && haveDut && effects.edgeVector[i] == observed.edgeLine[i]
                    && effects.edgeLevel[i] == observed.edgeLevel[i]) {
                continue;
            }
            String want = haveModel ? "line " + effects.edgeVector[i] + " -> " + (effects.edgeLevel[i] ? 1 : 0) : "none";
            String got = haveDut ? "line " + observed.edgeLine[i] + " -> " + (observed.edgeLevel[i] ? 1 : 0) : "none";
            // The line numbers come from icvec, which the stimulus programs per seed: only the edges' kinds.
            String wantKind = !haveModel ? "none" : effects.edgeLevel[i] ? "assert" : "deassert";
            String gotKind = !haveDut ? "none" : observed.edgeLevel[i] ? "assert" : "deassert";
            if (wantKind.equals(gotKind)) gotKind += " on another line";
            // An edge follows from an ipsr bit, which follows from its queue's state: the first of these
            // that differs is what is wrong, whichever action made the wire show it.
            Signature behind = RegisterSignatures.behindInterrupt(seed.model, seed.driver.dut);
            return new Finding("interrupt edge #" + i + ": expected " + want + ", observed " + got,
                    List.of(new Divergence.FieldMismatch("irq line", "-", haveModel ? effects.edgeVector[i] : -1,
                            haveDut ? observed.edgeLine[i] : -1)),
                    RULE, behind != null ? behind : new Signature(Signature.key("interrupt wire", EffectCheck.actionKind(action), wantKind + " -> " + gotKind),
                            "interrupt wire: expected " + wantKind + ", the DUT did " + gotKind + "; " + RULE));
        }
        return null;
    }
}
