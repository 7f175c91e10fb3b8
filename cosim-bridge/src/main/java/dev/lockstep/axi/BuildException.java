package dev.lockstep.axi;

/** A DUT library that could not be built (Verilator, compiler or linker error): exit code 3. */
public final class BuildException extends Exception {
    private static final long serialVersionUID = 1L;

    public BuildException(String message) { super(message); }
}
