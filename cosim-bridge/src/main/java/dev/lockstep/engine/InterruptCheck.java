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

    /**
     * Orders both sides' edges by line, keeping each line's own order: in a window, edges of different
     * sources (a fault record's fip, a fence's cip) follow the order the requests and commands happened
     * to finish in, which the spec leaves open; each wire's own sequence of levels is what is compared.
     */
    static void byLine(EffectRecorder model, DutObservations dut) {
        for (int i = 1; i < model.edges; i++) {
            for (int j = i; j > 0 && model.edgeVector[j - 1] > model.edgeVector[j]; j--) {
                int v = model.edgeVector[j]; model.edgeVector[j] = model.edgeVector[j - 1]; model.edgeVector[j - 1] = v;
                boolean l = model.edgeLevel[j]; model.edgeLevel[j] = model.edgeLevel[j - 1]; model.edgeLevel[j - 1] = l;
            }
        }
        for (int i = 1; i < dut.edges; i++) {
            for (int j = i; j > 0 && dut.edgeLine[j - 1] > dut.edgeLine[j]; j--) {
                int v = dut.edgeLine[j]; dut.edgeLine[j] = dut.edgeLine[j - 1]; dut.edgeLine[j - 1] = v;
                boolean l = dut.edgeLevel[j]; dut.edgeLevel[j] = dut.edgeLevel[j - 1]; dut.edgeLevel[j - 1] = l;
                long c = dut.edgeCycle[j]; dut.edgeCycle[j] = dut.edgeCycle[j - 1]; dut.edgeCycle[j - 1] = c;
            }
        }
    }
}
