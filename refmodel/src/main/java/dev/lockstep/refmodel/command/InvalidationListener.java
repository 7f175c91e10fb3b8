package dev.lockstep.refmodel.command;

/**
 * Receives the invalidations the command queue executes (the caching model). An invalidation is
 * guaranteed to software only once a later IOFENCE.C completes, which {@link #fenceCompleted()} tells.
 */
public interface InvalidationListener {

    /** IOTINVAL.VMA (spec: "IOTINVAL.VMA operands and operations"); nl and s as decoded (false if unsupported). */
    default void iotinvalVma(boolean gv, int gscid, boolean pscv, int pscid, boolean av, long addr, boolean nl, boolean s) { }

    /** IOTINVAL.GVMA (spec: "IOTINVAL.GVMA operands and operations"). */
    default void iotinvalGvma(boolean gv, int gscid, boolean av, long addr, boolean nl, boolean s) { }

    /** IODIR.INVAL_DDT: DV=0 all DDT and PDT entries; DV=1 the leaf DDT entry of did and its PDT entries. */
    default void iodirInvalDdt(boolean dv, int did) { }

    /** IODIR.INVAL_PDT: the leaf PDT entry of (did, pid). */
    default void iodirInvalPdt(int did, int pid) { }

    /** An IOFENCE.C completed: every earlier command has completed. */
    default void fenceCompleted() { }

    InvalidationListener NONE = new InvalidationListener() { };
}
