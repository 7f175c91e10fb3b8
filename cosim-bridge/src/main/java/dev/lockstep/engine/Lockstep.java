package dev.lockstep.engine;

import dev.lockstep.dut.Dut;
import dev.lockstep.dut.DutException;
import dev.lockstep.refmodel.Iommu;
import dev.lockstep.refmodel.TranslationContext;
import dev.lockstep.refmodel.TranslationOutcome;
import dev.lockstep.refmodel.TranslationRequest;
import dev.lockstep.refmodel.WalkTrace;
import dev.lockstep.refmodel.fault.Cause;
import dev.lockstep.refmodel.mem.FastSparseMemory;
import dev.lockstep.refmodel.mem.OverlayMemory;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.refmodel.regs.RegisterFile;
import dev.lockstep.refmodel.translate.ProcessTranslator;
import dev.lockstep.refmodel.translate.Request;
import dev.lockstep.refmodel.translate.Translator;
import dev.lockstep.stimulus.Action;
import dev.lockstep.stimulus.RegisterNames;
import dev.lockstep.stimulus.Stimulus;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The lockstep engine for one seed: every action goes to the golden model and to the DUT, and
 * everything observable is compared: each translation completion (against the set of outcomes the
 * spec's caching rules still permit), each register read and the read-back after each register write
 * (under the model's masks for UNSPECIFIED and self-timed fields), every IOMMU memory write, every
 * interrupt edge, and at the end the memory images and anything left over. The first divergence ends
 * the seed.
 */
public final class Lockstep {

    /** Cycles a DUT may take to become idle after an action before it is reported as hung. */
    public static final long IDLE_BUDGET = 200_000;
    private static final int RECENT = 10;

    private final Dut dut;
    private final IommuConfig config;
    private final StimulusSource stimulusSource;
    private final ReproduceCommand reproduce;
    private final long[] events = new long[1024 * Dut.EVENT_WORDS];
    private final DutObservations observed = new DutObservations();
    private final EffectRecorder effects = new EffectRecorder();
    /** DUT cycle count right after the seed's reset: reported cycles are relative to it. */
    private long cycleBase;
    private Iommu model;
    private FastSparseMemory memory;
    private final Set<Long> touchedWords = new TreeSet<>();
    private long staleHits;
    private long translations;
    private ProcessTranslator currentWalk;

    private RunObserver observer = RunObserver.NONE;

    public Lockstep(Dut dut, IommuConfig config, Scenario scenario, ReproduceCommand reproduce) {
        this(dut, config, scenario::create, reproduce);
    }

    /** An engine whose actions come from {@code source} (e.g. a log being checked or replayed). */
    public Lockstep(Dut dut, IommuConfig config, StimulusSource source, ReproduceCommand reproduce) {
        this.dut = dut;
        this.config = config;
        this.stimulusSource = source;
        this.reproduce = reproduce;
    }

    /** Sets who watches the run (coverage, logs); {@link RunObserver#NONE} by default. */
    public Lockstep observer(RunObserver o) {
        this.observer = o == null ? RunObserver.NONE : o;
        return this;
    }

    /** Builds the command line that reproduces a seed. */
    @FunctionalInterface
    public interface ReproduceCommand {
        String forSeed(long seed);
    }

    /** Runs {@code actions} actions of seed {@code seed} with planted bug {@code mutant} selected in the DUT. */
    public SeedResult run(long seed, int mutant, int actions) {
        long start = System.nanoTime();
        memory = new FastSparseMemory();
        effects.clear();
        model = Iommu.withTranslationProcess(config, memory, effects);
        currentWalk = new ProcessTranslator(config);
        touchedWords.clear();
        staleHits = 0;
        translations = 0;
        Stimulus stimulus = stimulusSource.create(seed, config, model);
        Deque<String> recent = new ArrayDeque<>();
        int index = 0;
        Action action = null;
        try {
            dut.reset(mutant);
            cycleBase = dut.cycles();
            observer.seedStarted(seed, mutant);
            for (index = 0; index < actions; index++) {
                action = stimulus.next();
                observer.action(index, action);
                Divergence d = apply(seed, index, action, recent);
                if (d != null) return result(seed, index + 1, start, d, null);
                recent.addLast("#" + index + " " + action.describe());
                if (recent.size() > RECENT) recent.removeFirst();
            }
            Divergence d = finish(seed, index, recent);
            return result(seed, actions, start, d, null);
        } catch (DutException e) {
            String what = action == null ? "reset" : action.describe();
            return result(seed, index, start, null,
                    new SeedResult.DutFailure(e.kind(), e.getMessage(), index, what, reproduce.forSeed(seed)));
        }
    }

    private SeedResult result(long seed, int done, long start, Divergence d, SeedResult.DutFailure f) {
        SeedResult r = new SeedResult(seed, done, cycle(), (System.nanoTime() - start) / 1e9, d, f, translations,
                staleHits);
        observer.seedFinished(r);
        return r;
    }

    /** Cycles since the seed's reset. */
    private long cycle() { return dut.cycles() - cycleBase; }

    private Divergence apply(long seed, int index, Action action, Deque<String> recent) throws DutException {
        effects.clear();
        observed.clear();
        if (action instanceof Action.RegisterWrite w) {
            model.mmioWrite(w.offset(), w.size(), w.value());
            dut.mmioWrite(w.offset(), w.size(), w.value());
            drainUntilIdle(action);
            Divergence d = compareEffects(seed, index, action, recent);
            if (d != null) return d;
            return compareRegister(seed, index, action, w.offset(), w.size(), recent);
        }
        if (action instanceof Action.RegisterRead r) {
            return compareRegister(seed, index, action, r.offset(), r.size(), recent);
        }
        if (action instanceof Action.MemoryWrite m) {
            model.softwareWrite64(m.pa(), m.value());
            dut.memWrite(m.pa(), littleEndian(m.value()));
            touchedWords.add(m.pa() & ~7L);
            return null;
        }
        if (action instanceof Action.MemoryError e) {
            memory.injectError(e.pa(), e.kind());
            dut.memError(e.pa(), e.kind());
            return null;
        }
        if (action instanceof Action.Translate t) {
            return translate(seed, index, t, recent);
        }
        throw new IllegalStateException("the engine cannot apply " + action.describe());
    }

    private static byte[] littleEndian(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) b[i] = (byte) (v >>> (8 * i));
        return b;
    }

    /** Runs the DUT until idle, collecting what it does; a DUT that never gets idle is a hang. */
    private void drainUntilIdle(Action action) throws DutException {
        long budgetEnd = dut.cycles() + IDLE_BUDGET;
        while (true) {
            long remaining = budgetEnd - dut.cycles();
            if (remaining <= 0) {
                throw new DutException(DutException.Kind.HANG, "the DUT did not become idle within " + IDLE_BUDGET
                        + " cycles after " + action.describe() + outstanding());
            }
            int n = dut.run(remaining, events);
            if (observed.add(events, n)) return;
        }
    }

    private String outstanding() {
        if (observed.isEmpty()) return "; nothing came back from it";
        return "; it had produced " + observed.completions + " completion(s), " + observed.writes
                + " memory write(s) and " + observed.edges + " interrupt edge(s)";
    }

    // ------------------------------------------------------------------ translations

    private Divergence translate(long seed, int index, Action.Translate t, Deque<String> recent) throws DutException {
        translations++;
        TranslationRequest req = new TranslationRequest(t.deviceId(), t.pv(), t.processId(), t.priv(), t.ttyp(),
                t.iova());
        Set<TranslationOutcome> permitted = model.permittedOutcomes(req);
        dut.submit(t.tag(), t.deviceId(), t.pv(), t.processId(), t.iova(), t.ttyp(),
                t.priv() ? Dut.REQ_PRIV : 0);
        drainUntilIdle(t);
        if (observed.completions != 1 || DutObservations.tag(observed.completionWord[0]) != t.tag()) {
            String got = observed.completions == 0 ? "no completion"
                    : observed.completions + " completion(s), first with tag "
                    + DutObservations.tag(observed.completionWord[0]);
            return divergence(seed, index, t, "translation completion for tag " + t.tag(),
                    List.of(new Divergence.FieldMismatch("completions", "-", 1, observed.completions)),
                    "every request gets exactly one completion with its tag; the DUT gave " + got, recent,
                    explain(req));
        }
        long word = observed.completionWord[0];
        long pa = observed.completionPa[0];
        List<TranslationOutcome> candidates = new ArrayList<>();
        for (TranslationOutcome o : permitted) {
            if (completionMatches(o, word, pa)) candidates.add(o);
        }
        TranslationOutcome current = currentOutcome(req);
        if (candidates.isEmpty()) {
            return divergence(seed, index, t, "translation completion for tag " + t.tag(),
                    completionFields(current, word, pa), permittedText(permitted), recent, explain(req));
        }
        candidates.sort(Comparator.comparing(TranslationOutcome::toString));
        TranslationOutcome chosen = candidates.get(0);
        if (candidates.size() > 1) {
            // Old and new structures can give the same completion and differ only in whether the fault is
            // reported (DC.tc.DTF): follow the DUT's fault-queue write.
            boolean recorded = wroteFaultQueue();
            for (TranslationOutcome c : candidates) {
                if (c.fault() && c.reported() == recorded) {
                    chosen = c;
                    break;
                }
            }
        }
        boolean stale = !chosen.equals(current);
        if (stale) staleHits++;
        observer.translated(index, req, chosen, stale);
        effects.clear();
        model.translateAs(req, chosen);
        return compareEffects(seed, index, t, recent);
    }

    /** Whether the DUT wrote into the fault queue during this action. */
    private boolean wroteFaultQueue() {
        long fqb = model.registers().fqb();
        long base = ((fqb >>> 10) & ((1L << 44) - 1)) << 12;
        long end = base + 32L * RegisterFile.queueEntries(fqb);
        for (int i = 0; i < observed.writes; i++) {
            if (observed.writeAddr[i] >= base && observed.writeAddr[i] < end) return true;
        }
        return false;
    }

    /** The completion fields an untranslated or translated request shows: status, cause, PA, PBMT. */
    private static boolean completionMatches(TranslationOutcome o, long word, long pa) {
        int status = DutObservations.status(word);
        if (o.fault()) return status != 0 && DutObservations.cause(word) == o.record().cause();
        return status == 0 && pa == o.pa() && DutObservations.pbmt(word) == o.pbmt();
    }

    private List<Divergence.FieldMismatch> completionFields(TranslationOutcome want, long word, long pa) {
        List<Divergence.FieldMismatch> f = new ArrayList<>();
        int status = DutObservations.status(word);
        int wantStatus = want.fault() ? 1 : 0;
        if ((status != 0) != want.fault()) f.add(new Divergence.FieldMismatch("status", "-", wantStatus, status));
        int wantCause = want.fault() ? want.record().cause() : 0;
        if (DutObservations.cause(word) != wantCause) {
            f.add(new Divergence.FieldMismatch("cause", "11:0", wantCause, DutObservations.cause(word)));
        }
        if (!want.fault() && status == 0 && pa != want.pa()) f.add(new Divergence.FieldMismatch("PA", "63:0", want.pa(), pa));
        if (!want.fault() && status == 0 && DutObservations.pbmt(word) != want.pbmt()) {
            f.add(new Divergence.FieldMismatch("PBMT", "1:0", want.pbmt(), DutObservations.pbmt(word)));
        }
        if (f.isEmpty()) f.add(new Divergence.FieldMismatch("completion", "-", 0, word));
        return f;
    }

    /**
     * The outcome with the newest contents of every structure (what a walk of memory gives now), on an
     * overlay so that its A/D updates do not touch the model's memory.
     */
    private TranslationOutcome currentOutcome(TranslationRequest req) {
        return currentWalk.translate(req, new TranslationContext(new OverlayMemory(memory), model.registers()),
                new WalkTrace());
    }

    private static String permittedText(Set<TranslationOutcome> permitted) {
        StringBuilder b = new StringBuilder("the spec permits ");
        b.append(permitted.size() == 1 ? "only " : "any of (cached structures may be old or new until invalidated) ");
        List<String> items = new ArrayList<>();
        for (TranslationOutcome o : permitted) {
            items.add(o.fault() ? "fault cause " + o.record().cause() + " (" + Cause.name(o.record().cause()) + ")"
                    : o.toString());
        }
        items.sort(null);
        b.append(String.join(" | ", items));
        return b.toString();
    }

    /** The model's walk for {@code req} over the current memory, as text (no effect on the model). */
    private String explain(TranslationRequest req) {
        try {
            Translator t = new Translator(config, new OverlayMemory(memory));
            Request r = new Request(req.deviceId(), req.pv(), req.processId(), req.iova(), req.ttyp(), req.priv(),
                    false, false);
            return t.translate(r, model.registers().ddtp(), model.registers().fctl()).toString();
        } catch (RuntimeException e) {
            return "walk trace unavailable: " + e.getMessage();
        }
    }

    // ------------------------------------------------------------------ effects and registers

    private Divergence compareEffects(long seed, int index, Action action, Deque<String> recent) {
        for (int i = 0; i < observed.writes; i++) touchedWords.add(observed.writeAddr[i] & ~7L);
        for (int i = 0; i < effects.writes; i++) touchedWords.add(effects.writePa[i] & ~7L);
        if (observed.completions != 0 && !(action instanceof Action.Translate)) {
            return divergence(seed, index, action, "unexpected translation completion (tag "
                    + DutObservations.tag(observed.completionWord[0]) + ")", List.of(),
                    "no translation request is outstanding", recent, null);
        }
        MemoryWriteCheck.Mismatch m = MemoryWriteCheck.compare(effects, observed);
        if (m != null) return divergence(seed, index, action, m.subject(), m.fields(), m.rule(), recent, null);
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
            return divergence(seed, index, action, "interrupt edge #" + i + ": expected " + want + ", observed " + got,
                    List.of(new Divergence.FieldMismatch("irq line", "-", haveModel ? effects.edgeVector[i] : -1,
                            haveDut ? observed.edgeLine[i] : -1)),
                    "with fctl.WSI=1 the ipsr bit of a source drives the wire icvec selects for it (spec: ipsr, icvec)",
                    recent, null);
        }
        return null;
    }

    private Divergence compareRegister(long seed, int index, Action action, int offset, int size, Deque<String> recent)
            throws DutException {
        long expected = model.mmioRead(offset, size);
        long observedValue = dut.mmioRead(offset, size);
        long mask = model.registerMasks().compareMask(offset, size);
        observer.registerRead(index, offset, size, expected, observedValue);
        if (((expected ^ observedValue) & mask) == 0) return null;
        List<Divergence.FieldMismatch> fields = new ArrayList<>();
        int shift = (offset & 4) * 8;
        for (RegisterNames.Field f : RegisterNames.fields(offset & ~7)) {
            long m = f.mask() >>> shift;
            if (m == 0 || ((expected ^ observedValue) & m & mask) == 0) continue;
            fields.add(new Divergence.FieldMismatch(f.name(),
                    f.msb() == f.lsb() ? String.valueOf(f.msb()) : f.msb() + ":" + f.lsb(),
                    f.extract(expected << shift), f.extract(observedValue << shift)));
        }
        if (fields.isEmpty()) {
            fields.add(new Divergence.FieldMismatch("value", (size * 8 - 1) + ":0", expected, observedValue));
        }
        String subject = String.format("%s (offset 0x%x, %d B) %s", RegisterNames.name(offset), offset, size,
                action instanceof Action.RegisterWrite ? "read back" : "read");
        return divergence(seed, index, action, subject, fields, RegisterRules.describe(offset), recent, null);
    }

    /** End of the seed: nothing may be left in flight, and both memory images must agree. */
    private Divergence finish(long seed, int index, Deque<String> recent) throws DutException {
        effects.clear();
        observed.clear();
        Action end = new Action.RegisterRead(0, 8);
        drainUntilIdle(end);
        if (!observed.isEmpty()) {
            return divergence(seed, index, end, "DUT activity after the last action", List.of(),
                    "the model has nothing left to do", recent, null);
        }
        long page = -1;
        byte[] bytes = null;
        for (long word : touchedWords) {
            if ((word & ~0xfffL) != page) {
                page = word & ~0xfffL;
                bytes = dut.memRead(page, 4096);
            }
            long dutValue = 0;
            int off = (int) (word - page);
            for (int i = 7; i >= 0; i--) dutValue = (dutValue << 8) | (bytes[off + i] & 0xff);
            long modelValue = memory.load64(word);
            if (dutValue != modelValue) {
                return new Divergence(seed, index, cycle(), "end of seed: memory image comparison",
                        String.format("memory word 0x%x at the end of the seed", word),
                        List.of(new Divergence.FieldMismatch("data", "63:0", modelValue, dutValue)),
                        "every store of software and of the IOMMU must leave the same memory on both sides",
                        List.copyOf(recent), reproduce.forSeed(seed), null);
            }
        }
        return null;
    }

    private Divergence divergence(long seed, int index, Action action, String subject,
                                  List<Divergence.FieldMismatch> fields, String rule, Deque<String> recent,
                                  String walk) {
        return new Divergence(seed, index, cycle(), action.describe(), subject, fields, rule, List.copyOf(recent),
                reproduce.forSeed(seed), walk);
    }
}
