package dev.lockstep.engine;

import dev.lockstep.dut.Dut;
import dev.lockstep.dut.DutException;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.refmodel.regs.RegisterFile;
import dev.lockstep.refmodel.regs.RegisterMasks;
import dev.lockstep.stimulus.Action;
import dev.lockstep.stimulus.RegisterNames;
import dev.lockstep.stimulus.RegisterStimulus;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The lockstep engine for one seed: every action goes to the golden model and to the DUT, and every
 * observable is compared; the first divergence ends the seed.
 */
public final class Lockstep {

    /** Cycles a DUT may take to become idle after an action before it is reported as hung. */
    public static final long IDLE_BUDGET = 100_000;
    private static final int RECENT = 8;

    private final Dut dut;
    private final IommuConfig config;
    private final ReproduceCommand reproduce;
    private final long[] events = new long[1024 * Dut.EVENT_WORDS];
    /** DUT cycle count right after the seed's reset: reported cycles are relative to it, so they do not
     *  depend on which seeds the same DUT instance ran before. */
    private long cycleBase;

    public Lockstep(Dut dut, IommuConfig config, ReproduceCommand reproduce) {
        this.dut = dut;
        this.config = config;
        this.reproduce = reproduce;
    }

    /** Builds the command line that reproduces a seed. */
    @FunctionalInterface
    public interface ReproduceCommand {
        String forSeed(long seed);
    }

    /** Runs {@code actions} actions of seed {@code seed} with planted bug {@code mutant} selected in the DUT. */
    public SeedResult run(long seed, int mutant, int actions) {
        long start = System.nanoTime();
        RegisterFile model = new RegisterFile(config);
        RegisterStimulus stimulus = new RegisterStimulus(seed, model);
        Deque<String> recent = new ArrayDeque<>();
        int index = 0;
        Action action = null;
        try {
            dut.reset(mutant);
            cycleBase = dut.cycles();
            for (index = 0; index < actions; index++) {
                action = stimulus.next();
                Divergence d = apply(seed, index, action, model, recent);
                if (d != null) {
                    return result(seed, index + 1, start, d, null);
                }
                recent.addLast("#" + index + " " + action.describe());
                if (recent.size() > RECENT) recent.removeFirst();
            }
            return result(seed, actions, start, null, null);
        } catch (DutException e) {
            String what = action == null ? "reset" : action.describe();
            return result(seed, index, start, null,
                    new SeedResult.DutFailure(e.kind(), e.getMessage(), index, what, reproduce.forSeed(seed)));
        }
    }

    private SeedResult result(long seed, int done, long start, Divergence d, SeedResult.DutFailure f) {
        return new SeedResult(seed, done, cycle(), (System.nanoTime() - start) / 1e9, d, f);
    }

    /** Cycles since the seed's reset. */
    private long cycle() { return dut.cycles() - cycleBase; }

    private Divergence apply(long seed, int index, Action action, RegisterFile model, Deque<String> recent)
            throws DutException {
        if (action instanceof Action.RegisterWrite w) {
            model.write(w.offset(), w.size(), w.value());
            dut.mmioWrite(w.offset(), w.size(), w.value());
            Divergence d = drainUntilIdle(seed, index, action, recent);
            if (d != null) return d;
            // The read-back after each write: the register as software would now see it.
            return compareRegister(seed, index, action, w.offset(), w.size(), model, recent);
        }
        if (action instanceof Action.RegisterRead r) {
            return compareRegister(seed, index, action, r.offset(), r.size(), model, recent);
        }
        throw new IllegalStateException("the engine cannot apply " + action.describe() + " yet");
    }

    /** Runs the DUT until idle; any event here is one the model did not produce. */
    private Divergence drainUntilIdle(long seed, int index, Action action, Deque<String> recent) throws DutException {
        long budgetEnd = dut.cycles() + IDLE_BUDGET;
        while (true) {
            long remaining = budgetEnd - dut.cycles();
            if (remaining <= 0) {
                throw new DutException(DutException.Kind.HANG,
                        "the DUT did not become idle within " + IDLE_BUDGET + " cycles after " + action.describe());
            }
            int n = dut.run(remaining, events);
            for (int i = 0; i < n; i++) {
                int base = i * Dut.EVENT_WORDS;
                int kind = (int) events[base];
                if (kind == Dut.EV_IDLE) return null;
                return new Divergence(seed, index, events[base + 1] - cycleBase, action.describe(),
                        "unexpected DUT event " + EventNames.describe(events, base),
                        List.of(), "the model produces no event for this action", List.copyOf(recent),
                        reproduce.forSeed(seed));
            }
        }
    }

    private Divergence compareRegister(long seed, int index, Action action, int offset, int size,
                                       RegisterFile model, Deque<String> recent) throws DutException {
        long expected = model.read(offset, size);
        long observed = dut.mmioRead(offset, size);
        long mask = new RegisterMasks(model).compareMask(offset, size);
        if (((expected ^ observed) & mask) == 0) return null;
        List<Divergence.FieldMismatch> fields = new ArrayList<>();
        int shift = (offset & 4) * 8;
        for (RegisterNames.Field f : RegisterNames.fields(offset & ~7)) {
            long m = f.mask() >>> shift;
            if (m == 0 || ((expected ^ observed) & m & mask) == 0) continue;
            fields.add(new Divergence.FieldMismatch(f.name(),
                    f.msb() == f.lsb() ? String.valueOf(f.msb()) : f.msb() + ":" + f.lsb(),
                    f.extract(expected << shift), f.extract(observed << shift)));
        }
        if (fields.isEmpty()) {
            fields.add(new Divergence.FieldMismatch("value", (size * 8 - 1) + ":0", expected, observed));
        }
        String subject = String.format("%s (offset 0x%x, %d B) read back", RegisterNames.name(offset), offset, size);
        return new Divergence(seed, index, cycle(), action.describe(), subject, fields,
                RegisterRules.describe(offset), List.copyOf(recent), reproduce.forSeed(seed));
    }
}
