package dev.lockstep.log;

/**
 * The engine asked a {@link LogDut} for something the log does not record at that point (a missing
 * register read, events without their closing idle, a memory word never dumped): the log does not
 * follow the schema's protocol. Bad input, not a divergence; the message names the file and line.
 */
public final class LogMismatchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LogMismatchException(String message) { super(message); }
}
