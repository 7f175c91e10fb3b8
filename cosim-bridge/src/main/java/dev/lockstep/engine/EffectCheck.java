package dev.lockstep.engine;

import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.stimulus.Action;
import dev.lockstep.stimulus.RegisterNames;
import dev.lockstep.triage.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one action made the IOMMU do besides its register values, in the order the engine compares it:
 * no translation completion without a request, the IOMMU's memory writes ({@link AdUpdates} for the A/D
 * updates a translation permits, {@link MemoryWriteCheck} for the rest, {@link DiscardedRecordWrites} for
 * a record whose write faulted), the outbound messages ({@link MessageCheck}) and the interrupt wires
 * ({@link InterruptCheck}). The first difference is the action's finding.
 */
final class EffectCheck {
    private final SeedContext seed;
    private final QueueRegions regions;
    private final DiscardedRecordWrites discarded;

    EffectCheck(SeedContext seed, QueueRegions regions) {
        this.seed = seed;
        this.regions = regions;
        this.discarded = new DiscardedRecordWrites(seed);
    }

    /** Before each action. */
    void actionStarted() {
        discarded.actionStarted();
    }

    Finding compare(int index, Action action) {
        return compare(index, action, AdUpdates.NONE);
    }

    /** {@code ad}: the A/D updates the translation of this action permits (their stores are checked by it). */
    Finding compare(int index, Action action, AdUpdates ad) {
        EffectRecorder effects = seed.effects;
        DutObservations observed = seed.observed;
        seed.touchWrittenPages();
        if (observed.completions != 0 && !(action instanceof Action.Translate)) {
            return new Finding("unexpected translation completion (tag "
                    + DutObservations.tag(observed.completionWord[0]) + ")", List.of(),
                    "no translation request is outstanding",
                    new Signature(Signature.key("translation", "unexpected completion", actionKind(action)),
                            "a completion without an outstanding request: no translation request is outstanding"));
        }
        discarded.accept();
        List<AdUpdates.Choice> adChoices = new ArrayList<>(0);
        MemoryWriteCheck.Mismatch m = ad.check(effects, observed, seed.model.caching(), adChoices);
        Map<Long, Long> adopted = new TreeMap<>();
        if (m == null) {
            m = MemoryWriteCheck.compare(effects, observed, regions::region, seed.model.registers().bigEndian(), adopted);
        }
        if (m != null) {
            List<String> names = Finding.names(m.fields());
            return new Finding(m.subject(), m.fields(), m.rule(),
                    new Signature(Signature.key("memory write", m.signature(), Signature.fields(names)),
                            m.signature() + ": " + Signature.fields(names) + " differ; " + m.rule()));
        }
        for (AdUpdates.Choice c : adChoices) seed.observer.choice(index, c.text());
        // The DUT's permitted choices in its records (e.g. a page offset of 0 in iotval2) become the model's.
        for (Map.Entry<Long, Long> e : adopted.entrySet()) {
            seed.memory.store64(e.getKey(), e.getValue());
            seed.observer.choice(index, "fault record: page offset reported as 0");
        }
        MessageCheck.Mismatch msg = seed.iface.messages() ? MessageCheck.compare(effects, observed) : null;
        if (msg != null) {
            List<String> names = Finding.names(msg.fields());
            return new Finding(msg.subject(), msg.fields(), msg.rule(),
                    new Signature(Signature.key("outbound message", msg.signature(), Signature.fields(names)),
                            msg.signature() + ": " + Signature.fields(names) + " differ; " + msg.rule()));
        }
        return InterruptCheck.compare(effects, observed, action);
    }

    /** The kind of an action, without its operands (for signatures). */
    static String actionKind(Action a) {
        if (a instanceof Action.RegisterWrite w) return "after " + RegisterNames.name(w.offset()) + " write";
        if (a instanceof Action.RegisterRead r) return "after " + RegisterNames.name(r.offset()) + " read";
        if (a instanceof Action.Translate t) return "after " + Ttyp.name(t.ttyp());
        if (a instanceof Action.PageRequest) return "after a page request";
        return "after " + a.getClass().getSimpleName();
    }
}
