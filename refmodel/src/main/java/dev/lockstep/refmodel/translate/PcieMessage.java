package dev.lockstep.refmodel.translate;

/**
 * Codes of the inbound PCIe messages the IOMMU handles (PCI Express Base Specification, ATS chapter,
 * Message Code field of the TLP header): the fault record of a PCIe message request (TTYP 9) reports
 * the message code in iotval (IOMMU "Fault/Event-Queue", TTYP encodings).
 */
public final class PcieMessage {
    private PcieMessage() {}

    /** "Invalidation Completion" message: Message Code 0000_0010b (PCIe ATS, Invalidate Completion Message). */
    public static final int INVALIDATION_COMPLETION = 0x02;
    /** "Page Request" message, also the code of a "Stop Marker" (PCIe PRI, Page Request Message: 0000_0100b). */
    public static final int PAGE_REQUEST = 0x04;

    /** Whether the model knows how the IOMMU handles message {@code code}. */
    public static boolean isKnown(int code) { return code == INVALIDATION_COMPLETION || code == PAGE_REQUEST; }

    public static String name(int code) {
        switch (code) {
            case INVALIDATION_COMPLETION: return "Invalidation Completion";
            case PAGE_REQUEST: return "Page Request";
            default: return "message code 0x" + Integer.toHexString(code);
        }
    }
}
