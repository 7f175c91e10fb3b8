package dev.lockstep.log;

import dev.lockstep.engine.RunObserver;
import dev.lockstep.regression.DutFactory;
import java.util.function.Supplier;

/**
 * Seed logs for a regression without touching the engine: {@link #wrap} puts a {@link RecordingDut}
 * around each DUT a worker opens, {@link #observers} gives the same worker's recorder to its engine.
 * Both are called on the worker thread (see {@code Regression}), which pairs them.
 */
public final class LogCapture {

    private final ThreadLocal<SeedLogRecorder> recorders;

    public LogCapture(LogContext context) {
        this.recorders = ThreadLocal.withInitial(() -> new SeedLogRecorder(context));
    }

    public DutFactory wrap(DutFactory factory) {
        return () -> new RecordingDut(factory.open(), recorders.get());
    }

    public Supplier<RunObserver> observers() {
        return recorders::get;
    }
}
