package dev.lockstep.log;

import dev.lockstep.engine.Lockstep;
import dev.lockstep.engine.SeedResult;
import dev.lockstep.regression.BadInputException;

/**
 * Judges a seed log against the golden model without the RTL: the normal lockstep engine, its stimulus
 * the log's actions, its DUT a {@link LogDut} answering from the log.
 */
public final class LogCheck {
    private LogCheck() {}

    /** The engine's verdict on {@code log}; a log that does not follow the protocol is bad input. */
    public static SeedResult check(SeedLog log, Lockstep.ReproduceCommand reproduce) throws BadInputException {
        return check(log, reproduce, dev.lockstep.triage.Waivers.NONE);
    }

    /**
     * The verdict under {@code waivers}: a log of a run with waivers records the register reads the engine
     * made to adopt the DUT's state after each waived divergence, so it is checked with the same waivers.
     */
    public static SeedResult check(SeedLog log, Lockstep.ReproduceCommand reproduce, dev.lockstep.triage.Waivers waivers)
            throws BadInputException {
        LogDut dut = new LogDut(log);
        Lockstep engine = new Lockstep(dut, log.header().config(), LoggedStimulus.of(log), reproduce).waivers(waivers);
        try {
            SeedResult r = engine.run(log.header().seed(), log.header().mutantId(), log.actions().size());
            if (r.passed()) dut.requireFullyUsed();
            return r;
        } catch (LogMismatchException e) {
            throw new BadInputException(e.getMessage());
        }
    }
}
