package dev.lockstep.refmodel.pagetable;

import dev.lockstep.refmodel.fault.Cause;

/**
 * The original access type of a transaction (read-for-execute, read, write/AMO) and the permission
 * bits it needs. Faults are "reported for the original access type" (Priv sv32algorithm, and
 * "Guest Physical Address Translation" for implicit G-stage accesses), which these helpers map to
 * cause codes.
 */
public final class Access {
    private Access() {}

    public static final int EXEC = 0;
    public static final int READ = 1;
    public static final int WRITE = 2;

    /** PTE permission bits, at their PTE positions. */
    public static final int R = 1 << 1;
    public static final int W = 1 << 2;
    public static final int X = 1 << 3;

    /** The permission an untranslated or translated access of this type needs. */
    public static int permissionFor(int type) { return type == EXEC ? X : type == WRITE ? W : R; }

    public static int accessFault(int type) {
        return type == EXEC ? Cause.INSTRUCTION_ACCESS_FAULT : type == WRITE ? Cause.WRITE_ACCESS_FAULT : Cause.READ_ACCESS_FAULT;
    }

    public static int pageFault(int type) {
        return type == EXEC ? Cause.INSTRUCTION_PAGE_FAULT : type == WRITE ? Cause.WRITE_PAGE_FAULT : Cause.READ_PAGE_FAULT;
    }

    public static int guestPageFault(int type) {
        return type == EXEC ? Cause.INSTRUCTION_GUEST_PAGE_FAULT : type == WRITE ? Cause.WRITE_GUEST_PAGE_FAULT
                : Cause.READ_GUEST_PAGE_FAULT;
    }

    public static boolean isAccessFault(int cause) {
        return cause == Cause.INSTRUCTION_ACCESS_FAULT || cause == Cause.READ_ACCESS_FAULT || cause == Cause.WRITE_ACCESS_FAULT;
    }

    public static boolean isGuestPageFault(int cause) {
        return cause == Cause.INSTRUCTION_GUEST_PAGE_FAULT || cause == Cause.READ_GUEST_PAGE_FAULT
                || cause == Cause.WRITE_GUEST_PAGE_FAULT;
    }
}
