package dev.lockstep.engine;

import dev.lockstep.dut.Dut;
import dev.lockstep.dut.DutException;
import dev.lockstep.dut.DutInterface;
import dev.lockstep.stimulus.Action;
import java.util.List;

/**
 * The DUT's half of each action: applies it and runs the DUT until idle, collecting what it does into
 * {@link #observed}. The same for checked and unchecked runs, so that the two cost the same on the DUT side.
 */
final class DutDriver {
    final Dut dut;
    final DutInterface iface;
    final DutObservations observed = new DutObservations();
    private final long[] events = new long[1024 * Dut.EVENT_WORDS];
    /** Translation requests submitted during the seed. */
    long translations;

    DutDriver(Dut dut, DutInterface iface) {
        this.dut = dut;
        this.iface = iface;
    }

    /** Applies {@code action} to the DUT; returns the value read for a register read, else 0. */
    long drive(Action action) throws DutException {
        if (action instanceof Action.RegisterWrite w) {
            dut.mmioWrite(w.offset(), w.size(), w.value());
            drainUntilIdle(action);
        } else if (action instanceof Action.RegisterRead r) {
            return dut.mmioRead(r.offset(), r.size());
        } else if (action instanceof Action.MemoryWrite m) {
            dut.memWrite(m.pa(), littleEndian(m.value()));
        } else if (action instanceof Action.MemoryError e) {
            dut.memError(e.pa(), iface.memoryErrorKind(e.kind()));
        } else if (action instanceof Action.PageRequest p) {
            dut.pageRequest(p.deviceId(), p.pv(), p.processId(), p.flags(), p.payload());
            drainUntilIdle(p);
        } else if (action instanceof Action.Window w) {
            driveWindow(w);
            for (Action a : w.software()) {
                if (a instanceof Action.RegisterWrite r) dut.mmioRead(r.offset(), r.size());
            }
        } else if (action instanceof Action.Translate t) {
            translations++;
            dut.submit(t.tag(), t.deviceId(), t.pv(), t.processId(), t.iova(), t.ttyp(), t.flags());
            drainUntilIdle(t);
        }
        return 0;
    }

    /**
     * Applies window {@code w} to the DUT (docs/concurrency.md) step by step, as {@link Action.Window#schedule}
     * orders them: the requests arriving at its start, its Page Requests in order (the same cycle: lockstep_dut.h
     * queues them behind the translation requests), then the later requests and the software groups, each at its
     * cycle (earlier when the DUT becomes idle first; a software group after the first not before the IOMMU has
     * passed the commands the groups before it made available, section 19); then runs until idle (the checker
     * then reads back each register written). Returns the DUT cycle at which each software group took effect.
     */
    long[] driveWindow(Action.Window w) throws DutException {
        long start = dut.cycles();
        List<Action.Window.Software> groups = w.groups();
        long[] applied = new long[Math.max(1, groups.size())];
        applied[0] = start;
        long commandsTail = -1;
        long commandsFrom = start;
        boolean idle = false;
        for (Action.Window.Step step : w.schedule()) {
            if (!idle) idle = runUntil(start + step.at(), w);
            // The DUT may have been idle before a group whose cqt write started commands: wait whatever it was.
            if (step.kind() == Action.Window.Step.SOFTWARE && step.index() > 0 && commandsTail >= 0) {
                idle = runUntilPassed(commandsTail, commandsFrom + 1, w);
            }
            switch (step.kind()) {
                case Action.Window.Step.REQUEST -> {
                    Action.Translate t = w.requests().get(step.index());
                    translations++;
                    dut.submit(t.tag(), t.deviceId(), t.pv(), t.processId(), t.iova(), t.ttyp(), t.flags());
                    idle = false;
                }
                case Action.Window.Step.PAGE_REQUEST -> {
                    Action.PageRequest p = w.pageRequests().get(step.index());
                    dut.pageRequest(p.deviceId(), p.pv(), p.processId(), p.flags(), p.payload());
                    idle = false;
                }
                default -> {
                    if (groups.isEmpty()) break;
                    applied[step.index()] = dut.cycles();
                    for (Action a : groups.get(step.index()).during()) {
                        if (a instanceof Action.MemoryWrite m) dut.memWrite(m.pa(), littleEndian(m.value()));
                        else if (a instanceof Action.RegisterWrite r) {
                            if (!idle && iface.registerRaceRefusal() != null
                                    && r.offset() != dev.lockstep.refmodel.regs.RegisterFile.CQT) {
                                throw new DutException(DutException.Kind.API, "the window's register write '"
                                        + r.describe() + "' races requests in flight, and " + iface.registerRaceRefusal());
                            }
                            dut.mmioWrite(r.offset(), r.size(), r.value());
                            if (r.offset() == dev.lockstep.refmodel.regs.RegisterFile.CQT) {
                                commandsTail = r.value();
                                commandsFrom = applied[step.index()];
                            }
                        }
                    }
                }
            }
        }
        drainUntilIdle(w);
        return applied;
    }

    /**
     * Runs the DUT until its cqh has reached {@code tail} at a cycle from {@code from} on (the commands before the
     * tail are passed: fetched, and with an IOFENCE.C last, completed) or until it is idle; returns whether it is
     * idle. A cycle at a time, so that the group is applied in the first cycle after the run that reported the move
     * (a rule a log's replay and a testbench can follow); the stimulus leaves gaps that make such waits rare.
     */
    private boolean runUntilPassed(long tail, long from, Action.Window w) throws DutException {
        long budgetEnd = dut.cycles() + Lockstep.IDLE_BUDGET;
        while (observed.cqHeadReached(tail, from) < 0) {
            if (dut.cycles() >= budgetEnd) {
                throw new DutException(DutException.Kind.HANG, "the DUT's cqh did not reach " + tail + " within "
                        + Lockstep.IDLE_BUDGET + " cycles while a later software group of " + w.describe() + " waited for it"
                        + outstanding());
            }
            if (runUntil(dut.cycles() + 1, w)) return true;
        }
        return false;
    }

    /** Runs the DUT until cycle {@code end} or until it is idle, whichever comes first; returns whether it is idle. */
    private boolean runUntil(long end, Action.Window w) throws DutException {
        int stalls = 0;
        while (dut.cycles() < end) {
            long before = dut.cycles();
            int n = dut.run(end - before, events);
            if (observed.add(events, n)) return true;
            stalls = n == 0 && dut.cycles() == before ? stalls + 1 : 0;
            if (stalls > 1000) {
                throw new DutException(DutException.Kind.HANG, "the DUT neither advanced its clock nor became idle "
                        + "during " + w.describe() + outstanding());
            }
        }
        return false;
    }

    private static byte[] littleEndian(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) b[i] = (byte) (v >>> (8 * i));
        return b;
    }

    /** Runs the DUT until idle, collecting what it does; a DUT that never gets idle is a hang. */
    void drainUntilIdle(Action action) throws DutException {
        long budgetEnd = dut.cycles() + Lockstep.IDLE_BUDGET;
        int stalls = 0;
        while (true) {
            long before = dut.cycles();
            long remaining = budgetEnd - before;
            if (remaining <= 0) {
                throw new DutException(DutException.Kind.HANG, "the DUT did not become idle within "
                        + Lockstep.IDLE_BUDGET + " cycles after " + action.describe() + outstanding());
            }
            int n = dut.run(remaining, events);
            if (observed.add(events, n)) return;
            // A DUT library that returns neither events nor simulated cycles would spin here for ever.
            stalls = n == 0 && dut.cycles() == before ? stalls + 1 : 0;
            if (stalls > 1000) {
                throw new DutException(DutException.Kind.HANG, "the DUT neither advanced its clock nor became idle "
                        + "after " + action.describe() + outstanding());
            }
        }
    }

    private String outstanding() {
        if (observed.isEmpty()) return "; nothing came back from it";
        return "; it had produced " + observed.completions + " completion(s), " + observed.writes
                + " memory write(s), " + observed.edges + " interrupt edge(s) and " + observed.messages + " message(s)";
    }
}
