package dev.lockstep.log;

import dev.lockstep.dut.Dut;
import dev.lockstep.engine.Completions;
import dev.lockstep.refmodel.Iommu;
import dev.lockstep.refmodel.TranslationOutcome;
import dev.lockstep.refmodel.TranslationRequest;
import dev.lockstep.refmodel.effect.EffectSink;
import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.refmodel.mem.FastSparseMemory;
import dev.lockstep.refmodel.mem.OverlayMemory;
import dev.lockstep.refmodel.translate.Request;
import dev.lockstep.refmodel.translate.Translator;
import dev.lockstep.regression.BadInputException;
import dev.lockstep.stimulus.Action;
import dev.lockstep.stimulus.RegisterNames;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Explains one action of a log from the golden model alone: actions 0..N-1 are applied to a fresh model
 * (no DUT) to rebuild its registers and memory, then action N is explained: for a translation the
 * model's walk (each entry read, at which address, which rule decided) and the outcomes the spec
 * permits; for a register access the value the model expects, field by field.
 *
 * <p>Where cached structures let several outcomes be correct, the replay follows the completion the
 * log recorded (as the engine follows the DUT), so the state matches the run's.
 */
public final class LoggedWalk {
    private LoggedWalk() {}

    public static String explain(SeedLog log, int n) throws BadInputException {
        if (n < 0 || n >= log.actions().size()) {
            throw new BadInputException("--action " + n + ": " + log.file() + " has actions 0 to "
                    + (log.actions().size() - 1));
        }
        FastSparseMemory memory = new FastSparseMemory();
        ModelEffects effects = new ModelEffects();
        Iommu model = Iommu.withTranslationProcess(log.header().config(), memory, effects);
        for (int i = 0; i < n; i++) {
            try {
                apply(log, i, model, memory);
            } catch (RuntimeException e) {
                throw LogCheck.unrepresentable(log, i, e);
            }
        }
        effects.recording = true;
        try {
            return explainAction(log, n, model, memory, effects);
        } catch (RuntimeException e) {
            throw LogCheck.unrepresentable(log, n, e);
        }
    }

    private static String explainAction(SeedLog log, int n, Iommu model, FastSparseMemory memory, ModelEffects effects) {
        SeedLog.ActionEntry entry = log.actions().get(n);
        StringBuilder b = new StringBuilder();
        b.append("action #").append(n).append(" (").append(log.at(entry.line())).append("): ")
                .append(entry.action().describe()).append('\n');
        if (entry.action() instanceof Action.Translate t) {
            explainTranslation(log, n, t, model, memory, b);
        } else if (entry.action() instanceof Action.RegisterWrite w) {
            model.mmioWrite(w.offset(), w.size(), w.value());
            explainRegister(log, n, w.offset(), w.size(), model, "read back after the write", b);
        } else if (entry.action() instanceof Action.RegisterRead r) {
            explainRegister(log, n, r.offset(), r.size(), model, "read", b);
        } else if (entry.action() instanceof Action.PageRequest p) {
            explainPageRequest(log, n, p, model, effects, b);
        } else if (entry.action() instanceof Action.Window w) {
            LoggedWindow.explain(log, n, w, model, b);
        } else {
            b.append("a software or platform action: the model has no walk for it\n");
        }
        return b.toString();
    }

    /** What the IOMMU does with a Page Request in the model (record, fault, response, wires) and what the log has. */
    private static void explainPageRequest(SeedLog log, int n, Action.PageRequest p, Iommu model, ModelEffects effects,
                                           StringBuilder b) {
        java.util.Map<Long, Long> context = pageRequestContext(log, n, p, model);
        model.pageRequest(p.deviceId(), p.pv(), p.processId(), p.priv(), p.exec(), p.payload(), p.dsv(), context);
        b.append("model: what the IOMMU does with the Page Request (spec: Page Request Queue, Page-request record)\n");
        if (!context.isEmpty()) {
            b.append("  (its device context located with a version a DDT cache may still hold, not yet invalidated: ")
                    .append(context.size()).append(" word(s) other than memory now)\n");
        }
        if (effects.lines.isEmpty()) b.append("  nothing: no record, no fault record, no response, no interrupt\n");
        for (String l : effects.lines) b.append("  ").append(l).append('\n');
        b.append("logged DUT events:\n");
        java.util.TreeMap<Long, Long> dutWords = new java.util.TreeMap<>();
        int logged = 0;
        int messages = 0;
        for (SeedLog.Entry e : entriesOf(log, n)) {
            if (e instanceof SeedLog.EventEntry ev && ev.words()[0] != Dut.EV_IDLE) {
                b.append("  line ").append(ev.line()).append(": ")
                        .append(EventJson.write(ev.words(), 0, ev.words()[1]).toString()).append('\n');
                logged++;
                if (ev.words()[0] == Dut.EV_MESSAGE_OUT) messages++;
                if (ev.words()[0] == Dut.EV_MEM_WRITE) {
                    for (int i = 0; i < 8; i++) {
                        if ((ev.words()[4] & (1L << i)) != 0) merge(dutWords, ev.words()[2] + i, (ev.words()[3] >>> (8 * i)) & 0xff);
                    }
                }
            }
        }
        if (logged == 0) b.append("  none\n");
        boolean same = dutWords.equals(effects.words) && messages == effects.messages;
        b.append("verdict: ").append(same ? "PERMITTED: the logged memory writes leave the bytes the model writes, and "
                + "the outbound messages are as many (check compares their fields)"
                : "NOT PERMITTED: the logged " + (dutWords.equals(effects.words) ? messages + " outbound message(s), the model "
                        + effects.messages : "memory writes leave other bytes than the model's")).append('\n');
    }

    private static void merge(java.util.TreeMap<Long, Long> bytes, long addr, long value) { bytes.put(addr, value); }

    /** The model's observable effects while the explained action is applied (not those of the actions before). */
    private static final class ModelEffects implements EffectSink {
        boolean recording;
        final List<String> lines = new ArrayList<>();
        /** The final bytes of every word written, as the engine compares IOMMU memory writes. */
        final java.util.TreeMap<Long, Long> words = new java.util.TreeMap<>();
        int messages;

        @Override
        public void memoryWrite(int kind, long pa, int size, long value) {
            if (!recording) return;
            lines.add(String.format("writes %s: %d B at 0x%x = 0x%x", KINDS[Math.min(kind, KINDS.length - 1)],
                    size, pa, value));
            for (int i = 0; i < size; i++) merge(words, pa + i, (value >>> (8 * i)) & 0xff);
        }

        @Override
        public void interruptWire(int vector, boolean asserted) {
            if (recording) lines.add("interrupt vector " + vector + (asserted ? " asserted" : " deasserted"));
        }

        @Override
        public void atsInvalidationRequest(int rid, boolean dsv, int dseg, boolean pv, int pid, long payload) {
            if (!recording) return;
            messages++;
            lines.add(String.format("sends an Invalidation Request to RID 0x%x", rid));
        }

        @Override
        public void pageRequestGroupResponse(int rid, boolean dsv, int dseg, boolean pv, int pid, int prgIndex,
                                             int responseCode, boolean automatic) {
            if (recording) {
                messages++;
                lines.add(String.format("sends a Page Request Group Response to RID 0x%x: PRG index %d, response code %d,"
                        + " DSV %d DSEG 0x%x, PV %d PID 0x%x", rid, prgIndex, responseCode, dsv ? 1 : 0, dseg,
                        pv ? 1 : 0, pid));
            }
        }

        private static final String[] KINDS = {"?", "a fault record doubleword", "a page-request record doubleword",
            "IOFENCE.C data", "an MSI", "an A/D update", "an MRIF (AMO OR)", "an MRIF", "an MRIF notice", "memory"};
    }

    /** The device-context version the logged DUT events of Page Request action {@code index} show (README, "Inbound Page Requests"). */
    private static java.util.Map<Long, Long> pageRequestContext(SeedLog log, int index, Action.PageRequest p, Iommu model) {
        return dev.lockstep.engine.WindowPageRequests.contextFromEvents(model, p, events(log, index));
    }

    /** The logged DUT events of action {@code index}, as {@link Dut#run} reports them. */
    static List<long[]> events(SeedLog log, int index) {
        List<long[]> events = new java.util.ArrayList<>();
        for (SeedLog.Entry e : entriesOf(log, index)) if (e instanceof SeedLog.EventEntry ev) events.add(ev.words());
        return events;
    }

    private static void apply(SeedLog log, int index, Iommu model, FastSparseMemory memory) {
        Action a = log.actions().get(index).action();
        if (a instanceof Action.RegisterWrite w) {
            model.mmioWrite(w.offset(), w.size(), w.value());
        } else if (a instanceof Action.RegisterRead r) {
            model.mmioRead(r.offset(), r.size());
        } else if (a instanceof Action.MemoryWrite m) {
            model.softwareWrite64(m.pa(), m.value());
        } else if (a instanceof Action.MemoryError e) {
            memory.injectError(e.pa(), e.kind());
        } else if (a instanceof Action.PageRequest p) {
            model.pageRequest(p.deviceId(), p.pv(), p.processId(), p.priv(), p.exec(), p.payload(), p.dsv(),
                    pageRequestContext(log, index, p, model));
        } else if (a instanceof Action.Window w) {
            LoggedWindow.apply(log, index, w, model);
            takeLoggedWrites(log, index, model, memory);
        } else if (a instanceof Action.Translate t) {
            TranslationRequest req = t.request();
            TranslationOutcome chosen = followLoggedCompletion(log, index, model, req);
            if (chosen == null && req.noWrite()) {
                // No Write answered with the page's W: performed as the request without No Write.
                TranslationRequest write = Completions.withoutNoWrite(req);
                TranslationOutcome w = followLoggedCompletion(log, index, model, write);
                if (w != null && !w.fault() && (w.permissions() & TranslationOutcome.W) != 0) {
                    req = write;
                    chosen = w;
                }
            }
            if (chosen != null) model.translateAs(req, chosen);
            else model.translate(req);
            takeLoggedWrites(log, index, model, memory);
        }
    }

    /**
     * The DUT's memory writes of action {@code index} become the model's, as the engine takes the choices
     * the spec leaves to the DUT (A/D updates, a page offset of 0 in a fault record, the cause of an ATS
     * access fault): the log passed this action, so what the DUT wrote was permitted.
     */
    static void takeLoggedWrites(SeedLog log, int index, Iommu model, FastSparseMemory memory) {
        for (SeedLog.Entry e : entriesOf(log, index)) {
            if (!(e instanceof SeedLog.EventEntry ev) || ev.words()[0] != Dut.EV_MEM_WRITE) continue;
            long word = ev.words()[2] & ~7L;
            long mask = 0;
            for (int b = 0; b < 8; b++) if ((ev.words()[4] & (1L << b)) != 0) mask |= 0xffL << (8 * b);
            long now = memory.load64(word);
            model.caching().adoptAdUpdate(word, (now & ~mask) | (ev.words()[3] & mask));
        }
    }

    /** The permitted outcome the logged completion of action {@code index} shows, or null if none fits. */
    private static TranslationOutcome followLoggedCompletion(SeedLog log, int index, Iommu model,
                                                             TranslationRequest req) {
        return followCompletion(completion(log, index), model, req);
    }

    /** The permitted outcome completion {@code cpl} (event words) shows, or null if none fits or there is none. */
    static TranslationOutcome followCompletion(long[] cpl, Iommu model, TranslationRequest req) {
        if (cpl == null) return null;
        List<TranslationOutcome> fits = new ArrayList<>();
        boolean ats = req.ttyp() == Ttyp.ATS_TRANSLATION;
        for (TranslationOutcome o : model.permittedOutcomes(req)) {
            if (Completions.matches(o, cpl[2], cpl[3], ats)) fits.add(o);
        }
        fits.sort(Comparator.comparing(TranslationOutcome::toString));
        return fits.isEmpty() ? null : fits.get(0);
    }

    private static void explainTranslation(SeedLog log, int n, Action.Translate t, Iommu model,
                                           FastSparseMemory memory, StringBuilder b) {
        TranslationRequest req = t.request();
        Translator translator = new Translator(log.header().config(), new OverlayMemory(memory));
        Request r = t.walkRequest();
        b.append("model walk:\n");
        String walk;
        try {
            walk = translator.translate(r, model.registers().ddtp(), model.registers().fctl()).toString();
        } catch (RuntimeException e) {
            walk = "walk trace unavailable: " + e.getMessage();
        }
        for (String line : walk.split("\n")) b.append("  ").append(line).append('\n');
        List<String> permitted = new ArrayList<>();
        for (TranslationOutcome o : model.permittedOutcomes(req)) permitted.add(o.toString());
        permitted.sort(null);
        b.append("permitted outcomes: ").append(String.join(" | ", permitted)).append('\n');
        long[] cpl = completion(log, n);
        b.append("logged completion: ");
        if (cpl == null) {
            b.append("none\n");
        } else {
            b.append(String.format("tag %d status %d cause %d pa 0x%x pbmt %d%n", cpl[2] & 0xffff, status(cpl),
                    cause(cpl), cpl[3], (cpl[2] >>> 25) & 3));
        }
        b.append("verdict: ").append(verdict(log, n, model, req, cpl)).append('\n');
    }

    /** Whether the logged completion is among the outcomes the spec permits (as the engine compares it). */
    private static String verdict(SeedLog log, int n, Iommu model, TranslationRequest req, long[] cpl) {
        if (cpl == null) return "NOT PERMITTED: the log has no completion for this request; the DUT answers every request";
        TranslationOutcome fit = followLoggedCompletion(log, n, model, req);
        String how = "";
        if (fit == null && req.noWrite()) {
            TranslationOutcome w = followLoggedCompletion(log, n, model, Completions.withoutNoWrite(req));
            if (w != null && !w.fault() && (w.permissions() & TranslationOutcome.W) != 0) {
                fit = w;
                how = " (a No Write request answered with the page's W, as the spec allows)";
            }
        }
        return fit != null ? "PERMITTED: the logged completion is the permitted outcome " + fit + how
                : "NOT PERMITTED: the logged completion is none of the permitted outcomes above";
    }

    private static void explainRegister(SeedLog log, int n, int offset, int size, Iommu model, String what,
                                        StringBuilder b) {
        long expected = model.mmioRead(offset, size);
        long mask = model.registerMasks().compareMask(offset, size);
        b.append(String.format("model %s: %s (0x%x, %d B) = 0x%x (compared bits 0x%x)%n", what,
                RegisterNames.name(offset), offset, size, expected, mask));
        int shift = (offset & 4) * 8;
        for (RegisterNames.Field f : RegisterNames.fields(offset & ~7)) {
            if ((f.mask() >>> shift) == 0) continue;
            b.append(String.format("  %-14s [%s] = 0x%x%n", f.name(),
                    f.msb() == f.lsb() ? String.valueOf(f.msb()) : f.msb() + ":" + f.lsb(), f.extract(expected << shift)));
        }
        boolean logged = false;
        for (SeedLog.Entry e : entriesOf(log, n)) {
            if (e instanceof SeedLog.ReadEntry r && r.offset() == offset) {
                b.append(String.format("logged DUT value (line %d): 0x%x%n", r.line(), r.value()));
                logged = true;
                List<String> differ = new ArrayList<>();
                for (RegisterNames.Field f : RegisterNames.fields(offset & ~7)) {
                    long bits = (f.mask() >>> shift) & mask;
                    if (bits != 0 && ((r.value() ^ expected) & bits) != 0) differ.add(f.name());
                }
                if (differ.isEmpty() && ((r.value() ^ expected) & mask) != 0) differ.add("bits 0x"
                        + Long.toHexString((r.value() ^ expected) & mask));
                b.append("verdict: ").append(differ.isEmpty() ? "PERMITTED: equal to the model's value on every compared bit"
                        : "NOT PERMITTED: differs from the model's value in " + String.join(", ", differ)).append('\n');
            }
        }
        if (!logged) b.append("verdict: the log has no read of this register here\n");
    }

    /** The records of action {@code index}: from its action record up to the next action. */
    static List<SeedLog.Entry> entriesOf(SeedLog log, int index) {
        List<SeedLog.Entry> flow = log.flow();
        int from = flow.indexOf(log.actions().get(index));
        List<SeedLog.Entry> mine = new ArrayList<>();
        for (int i = from + 1; i < flow.size() && !(flow.get(i) instanceof SeedLog.ActionEntry); i++) {
            mine.add(flow.get(i));
        }
        return mine;
    }

    private static long[] completion(SeedLog log, int index) {
        for (SeedLog.Entry e : entriesOf(log, index)) {
            if (e instanceof SeedLog.EventEntry ev && ev.words()[0] == Dut.EV_COMPLETION) return ev.words();
        }
        return null;
    }

    private static int status(long[] cpl) { return (int) ((cpl[2] >>> 16) & 3); }

    private static int cause(long[] cpl) { return (int) ((cpl[2] >>> 32) & 0xfff); }
}
