package dev.lockstep.engine;

import dev.lockstep.dut.DutException;
import dev.lockstep.refmodel.TranslationOutcome;
import dev.lockstep.refmodel.effect.EffectSink;
import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.refmodel.mem.OverlayMemory;
import dev.lockstep.refmodel.regs.RegisterFile;
import dev.lockstep.refmodel.translate.Outcome;
import dev.lockstep.refmodel.translate.PcieMessage;
import dev.lockstep.refmodel.translate.Request;
import dev.lockstep.refmodel.translate.Translator;
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
 * a record whose write faulted), their order against the queue tails ({@link TailCheck}), the fences against
 * the Invalidation Completions ({@link FenceCheck}), the outbound messages ({@link MessageCheck}) and the
 * interrupt wires ({@link InterruptCheck}). The first difference is the action's finding.
 */
final class EffectCheck {
    private final SeedContext seed;
    private final QueueRegions regions;
    private final DiscardedRecordWrites discarded;

    EffectCheck(SeedContext seed, QueueRegions regions) {
        this.seed = seed;
        this.regions = regions;
        this.discarded = new DiscardedRecordWrites(seed);
        this.walks = new ModelWalk(seed);
        this.tails = new TailCheck(seed);
        this.fences = new FenceCheck(seed);
    }

    private final TailCheck tails;
    private final FenceCheck fences;

    private final ModelWalk walks;

    /** The outcome of the translation the current action made, once committed in the model; else null. */
    TranslationOutcome committed;
    /** The model's fqcsr before the action: why it wrote no fault record may be in how the action changed it. */
    private int fqcsrBefore;

    /** Before each action. */
    void actionStarted() {
        tails.actionStarted();
        discarded.actionStarted();
        committed = null;
        fqcsrBefore = seed.model.registers().fqcsr();
    }

    Finding compare(int index, Action action) throws DutException {
        return compare(index, action, AdUpdates.NONE);
    }

    /** {@code ad}: the A/D updates the translation of this action permits (their stores are checked by it). */
    Finding compare(int index, Action action, AdUpdates ad) throws DutException {
        EffectRecorder effects = seed.effects;
        DutObservations observed = seed.observed;
        seed.touchWrittenPages();
        // The fence order is followed through every action's cqh moves, so it is taken first, reported in its place.
        Finding fenceOrder = fences.check(action);
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
            m = MemoryWriteCheck.compare(effects, observed, regions::region, seed.model.registers().bigEndian(), adopted,
                    () -> whyNoRecord(action));
        }
        if (m != null) {
            Signature signature = recordCauseSignature(action, m.fields());
            // An IOFENCE.C write follows from where the command queue stands: a queue that differs is the cause.
            if (signature == null && m.signature().contains(EffectRecorder.kindName(EffectSink.WRITE_IOFENCE))) {
                signature = RegisterSignatures.commandQueue(seed.model, seed.driver.dut);
            }
            return signature != null ? new Finding(m.subject(), m.fields(), m.rule(), signature) : memoryWriteFinding(m);
        }
        for (AdUpdates.Choice c : adChoices) seed.observer.choice(index, c.text());
        // The DUT's permitted choices in its records (e.g. a page offset of 0 in iotval2) become the model's.
        for (Map.Entry<Long, Long> e : adopted.entrySet()) {
            seed.memory.store64(e.getKey(), e.getValue());
            seed.observer.choice(index, "fault record: page offset reported as 0");
        }
        // What was written is right; then the order of the writes against the tails and of fences against the
        // Invalidation Completions (ABI 7 events; none reported, nothing checked).
        Finding order = tails.check(action);
        if (order != null) return order;
        if (fenceOrder != null) return fenceOrder;
        MessageCheck.Mismatch msg = seed.iface.messages() ? MessageCheck.compare(effects, observed) : null;
        if (msg != null) {
            List<String> names = Finding.names(msg.fields());
            return new Finding(msg.subject(), msg.fields(), msg.rule(),
                    new Signature(Signature.key("outbound message", msg.signature(), Signature.fields(names)),
                            msg.signature() + ": " + Signature.fields(names) + " differ; " + msg.rule()));
        }
        return InterruptCheck.compare(seed, action);
    }

    /** A memory write that differs, keyed by what was written (its kind or record field classes). */
    static Finding memoryWriteFinding(MemoryWriteCheck.Mismatch m) {
        return new Finding(m.subject(), m.fields(), m.rule(),
                new Signature(Signature.key("memory write", m.signature()), m.signature() + "; " + m.rule()));
    }

    /**
     * A fault record of this action's translation whose CAUSE differs: the DUT's fault cause for the
     * translation, whichever of its completion or its record showed it, so keyed as the translation's
     * (the completion of an ATS request or of a bus without causes may not carry it); else null.
     */
    private Signature recordCauseSignature(Action action, List<Divergence.FieldMismatch> fields) {
        if (action instanceof Action.PageRequest p) return messageCauseSignature(p, fields);
        if (!(action instanceof Action.Translate t) || committed == null || !committed.fault()) return null;
        for (Divergence.FieldMismatch f : fields) {
            if (!f.field().equals("CAUSE") || f.expected() != committed.record().cause()) continue;
            int cause = (int) f.observed();
            return CompletionReport.signature(t, walks.of(t.request()), List.of("CAUSE"), committed,
                    CompletionReport.outcomeClass(committed, false), Signature.causeClass(cause), cause, false);
        }
        return null;
    }

    /**
     * A Page Request's fault record whose CAUSE differs: keyed by the rule of the message's device-context
     * checks, as a translation's is (those checks are the same for every request); else null.
     */
    private Signature messageCauseSignature(Action.PageRequest p, List<Divergence.FieldMismatch> fields) {
        Outcome o = messageWalk(p);
        if (o == null) return null;
        for (Divergence.FieldMismatch f : fields) {
            if (!f.field().equals("CAUSE") || f.expected() != o.cause()) continue;
            int cause = (int) f.observed();
            dev.lockstep.refmodel.trace.Rule rule = o.trace().rule();
            return Signature.translation(Ttyp.PCIE_MESSAGE, List.of("CAUSE"), rule.name(), o.cause(),
                    Signature.causeClass(o.cause()), Signature.causeClass(cause), cause,
                    rule.text() + " [" + rule.specReference() + "]");
        }
        return null;
    }

    /** The model's walk of Page Request {@code p} (its device-context checks), without effects; null if none. */
    private Outcome messageWalk(Action.PageRequest p) {
        try {
            return new Translator(seed.config, new OverlayMemory(seed.memory)).translate(
                    new Request(p.deviceId(), p.pv(), p.processId(), PcieMessage.PAGE_REQUEST, Ttyp.PCIE_MESSAGE,
                            p.priv(), false, false),
                    seed.model.registers().ddtp(), seed.model.registers().fctl());
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Why the model wrote no fault record in this action: its rule, in the spec's words. */
    private String whyNoRecord(Action action) {
        if (committed != null && !committed.fault()) {
            boolean noAccess = (committed.permissions() & (TranslationOutcome.R | TranslationOutcome.W)) == 0;
            return action instanceof Action.Translate t && t.ttyp() == Ttyp.ATS_TRANSLATION && noAccess
                    ? "an ATS translation request's page fault is reported in its completion only (R=W=0)"
                    : "the model's translation did not fault";
        }
        if (committed != null && !committed.reported()) return "DC.tc.DTF=1 suppresses the fault's record";
        if (action instanceof Action.PageRequest p) {
            // The message's device-context checks, as the model made them.
            Outcome o = messageWalk(p);
            if (o != null && o.cause() != 0 && !o.recordFault()) return "DC.tc.DTF=1 suppresses the fault's record";
        }
        int after = seed.model.registers().fqcsr();
        if ((fqcsrBefore & RegisterFile.QCSR_ON) == 0) return "the fault queue is off";
        if ((fqcsrBefore & (RegisterFile.QCSR_OF | RegisterFile.QCSR_MF)) != 0) return "fqof or fqmf was set";
        if ((after & RegisterFile.QCSR_OF) != 0) return "the fault queue is full (fqof set)";
        if ((after & RegisterFile.QCSR_MF) != 0) return "the record's store faulted (fqmf set)";
        return committed != null ? "the model wrote its record elsewhere" : "the model reported no fault";
    }

    /** The kind of an action, without its operands (for signatures). */
    static String actionKind(Action a) {
        if (a instanceof Action.RegisterWrite w) return "after " + RegisterNames.name(w.offset()) + " write";
        if (a instanceof Action.RegisterRead r) return "after " + RegisterNames.name(r.offset()) + " read";
        if (a instanceof Action.Translate t) return "after " + Ttyp.name(t.ttyp());
        if (a instanceof Action.PageRequest) return "after a page request";
        if (a instanceof Action.Window) return "after a window of overlapping requests";
        return "after " + a.getClass().getSimpleName();
    }
}
