package dev.lockstep.refmodel.trace;

/**
 * The role a memory word plays in a translation, as recorded in the {@link WalkTrace}. Roles are
 * small integers so the trace stores them in a primitive array.
 */
public final class Role {
    private Role() {}

    /** Non-leaf device-directory entry (spec: "Non-leaf DDT entry"). */
    public static final int DDT_NONLEAF = 0;
    /** A doubleword of the device context (spec: "Leaf DDT entry"). */
    public static final int DC = 1;
    /** Non-leaf process-directory entry (spec: "Non-leaf PDT entry"). */
    public static final int PDT_NONLEAF = 2;
    /** A doubleword of the process context (spec: "Leaf PDT entry"). */
    public static final int PC = 3;
    /** A first-stage (VS-stage or single-stage) page-table entry. */
    public static final int FIRST_STAGE_PTE = 4;
    /** A G-stage (second-stage) page-table entry. */
    public static final int G_STAGE_PTE = 5;
    /** A doubleword of an MSI page-table entry. */
    public static final int MSI_PTE = 6;
    /** A doubleword of a memory-resident interrupt file. */
    public static final int MRIF = 7;

    public static String name(int role) {
        switch (role) {
            case DDT_NONLEAF: return "DDT non-leaf entry";
            case DC: return "DC";
            case PDT_NONLEAF: return "PDT non-leaf entry";
            case PC: return "PC";
            case FIRST_STAGE_PTE: return "first-stage PTE";
            case G_STAGE_PTE: return "G-stage PTE";
            case MSI_PTE: return "MSI PTE";
            case MRIF: return "MRIF";
            default: return "role " + role;
        }
    }
}
