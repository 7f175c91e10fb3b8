package dev.lockstep.dut;

/** A DUT that failed rather than diverged: it could not be loaded, hung, hit an RTL fatal error or crashed. */
public final class DutException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What went wrong, which decides the report and the exit code. */
    public enum Kind {
        /** The library could not be found or loaded, or lacks a symbol. */
        LOAD,
        /** The DUT did not answer within its cycle budget. */
        HANG,
        /** The RTL called $fatal/$stop/$finish, or the simulator hit a fatal error. */
        FATAL,
        /** The DUT process died (e.g. a segmentation fault in the library). */
        CRASH,
        /** The DUT refused a call (bad argument or state): a harness or engine bug. */
        API
    }

    private final Kind kind;

    public DutException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() { return kind; }
}
