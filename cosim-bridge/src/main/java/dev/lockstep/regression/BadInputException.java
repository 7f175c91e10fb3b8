package dev.lockstep.regression;

/** Bad usage or bad input (a file, an option, a log line): exit code 2, with a message naming the place. */
public final class BadInputException extends Exception {
    private static final long serialVersionUID = 1L;

    public BadInputException(String message) { super(message); }
}
