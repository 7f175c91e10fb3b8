package dev.lockstep.refmodel.cache;

import dev.lockstep.refmodel.TaggedEntries;

/**
 * How a version of a cached structure entry was retired: which structure it is (by the caching table's
 * classes), the invalidation command that covered it and, for a leaf PTE, whether it maps a superpage.
 * The words of a divergence's signature: free of addresses and IDs, so one stale-cache bug gives one.
 *
 * @param structure the entry, e.g. "first-stage PTE", "device context"
 * @param command   the covering command by its operand class, e.g. "IOTINVAL.VMA of one address"
 * @param superpage a leaf PTE mapping more than 4 KiB, covered by an address-selecting command
 */
public record Retirement(String structure, String command, boolean superpage) {

    static Retirement of(int role, int flags, int regionLog2, Invalidation inv) {
        boolean leaf = (flags & TaggedEntries.LEAF) != 0;
        boolean pte = role == TaggedEntries.S1_PTE || role == TaggedEntries.G_PTE;
        // The page size is the class only where the command selects by address: that is where it decides coverage.
        boolean byAddress = (inv.kind() == Invalidation.VMA || inv.kind() == Invalidation.GVMA) && inv.av();
        return new Retirement(structure(role, leaf), command(inv), pte && leaf && byAddress && regionLog2 > 12);
    }

    private static String structure(int role, boolean leaf) {
        switch (role) {
            case TaggedEntries.DDTE: return "non-leaf DDT entry";
            case TaggedEntries.DC: return "device context";
            case TaggedEntries.PDTE: return "non-leaf PDT entry";
            case TaggedEntries.PC: return "process context";
            case TaggedEntries.S1_PTE: return leaf ? "first-stage leaf PTE" : "first-stage non-leaf PTE";
            case TaggedEntries.G_PTE: return leaf ? "G-stage leaf PTE" : "G-stage non-leaf PTE";
            case TaggedEntries.MSI_PTE: return "MSI PTE";
            default: return "entry";
        }
    }

    /** The command by what its operands select: one address or all, one context or all (spec: the operand tables). */
    private static String command(Invalidation inv) {
        switch (inv.kind()) {
            case Invalidation.VMA: return "IOTINVAL.VMA of " + (inv.av() ? "one address" : "all addresses");
            case Invalidation.GVMA: return "IOTINVAL.GVMA of " + (!inv.gvOrDv() ? "all GSCIDs" : inv.av() ? "one address" : "all addresses");
            case Invalidation.DDT: return "IODIR.INVAL_DDT of " + (inv.gvOrDv() ? "one device" : "all devices");
            case Invalidation.PDT: return "IODIR.INVAL_PDT";
            default: return "an invalidation";
        }
    }

    /** E.g. "first-stage leaf PTE (superpage) retired by IOTINVAL.VMA of one address and IOFENCE.C". */
    @Override
    public String toString() {
        return structure + (superpage ? " (superpage)" : "") + " retired by " + command + " and IOFENCE.C";
    }
}
