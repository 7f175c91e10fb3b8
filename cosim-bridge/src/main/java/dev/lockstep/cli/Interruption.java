package dev.lockstep.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * SIGINT, SIGTERM (a CI timeout) during a run: the JVM's shutdown starts, this hook asks the regression
 * to stop (no new seed; seeds in flight stop at an action boundary, their logs ending with an
 * {@code interrupted} record) and holds the exit until the reports of the seeds done are written, for at
 * most {@link #GRACE_SECONDS}. The process then exits with the signal's status (130, 143).
 */
final class Interruption implements AutoCloseable {

    static final int GRACE_SECONDS = 30;
    /** After a signal, how long the command gets to write its reports itself before {@link #whenStuck} does. */
    static final int STUCK_SECONDS = 5;

    private final AtomicBoolean requested = new AtomicBoolean();
    private final CountDownLatch reportsWritten = new CountDownLatch(1);
    private final Thread hook = new Thread(this::stop, "lockstep-interruption");
    private volatile Runnable whenStuck;

    Interruption() { Runtime.getRuntime().addShutdownHook(hook); }

    private void stop() {
        requested.set(true);
        try {
            if (reportsWritten.await(STUCK_SECONDS, TimeUnit.SECONDS)) return;
            Runnable stuck = whenStuck;
            if (stuck == null) {
                reportsWritten.await(GRACE_SECONDS - STUCK_SECONDS, TimeUnit.SECONDS);
                return;
            }
            stuck.run();
            reportsWritten.await(2, TimeUnit.SECONDS); // a last chance to end on its own; the reports are written
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * What the hook does when the command has not written its reports {@link #STUCK_SECONDS} after the
     * signal (it is blocked, e.g. reading a pipe): write them from what is done so far.
     */
    void whenStuck(Runnable writeReports) { this.whenStuck = writeReports; }

    /** Whether a signal asked the run to stop. */
    boolean requested() { return requested.get(); }

    /** The run wrote what it had (or had nothing to write): the process may exit. */
    void done() { reportsWritten.countDown(); }

    @Override
    public void close() {
        done();
        if (requested.get()) return; // the shutdown is under way: the hook is running
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the shutdown began in between
        }
    }
}
