package dev.lockstep.refmodel.fault;

/** Fault cause codes (spec: "Fault/Event-Queue", table of CAUSE values). */
public final class Cause {
    private Cause() {}

    public static final int NONE = 0;
    public static final int INSTRUCTION_ACCESS_FAULT = 1;
    public static final int READ_ADDRESS_MISALIGNED = 4;
    public static final int READ_ACCESS_FAULT = 5;
    public static final int WRITE_ADDRESS_MISALIGNED = 6;
    public static final int WRITE_ACCESS_FAULT = 7;
    public static final int INSTRUCTION_PAGE_FAULT = 12;
    public static final int READ_PAGE_FAULT = 13;
    public static final int WRITE_PAGE_FAULT = 15;
    public static final int INSTRUCTION_GUEST_PAGE_FAULT = 20;
    public static final int READ_GUEST_PAGE_FAULT = 21;
    public static final int WRITE_GUEST_PAGE_FAULT = 23;
    public static final int ALL_INBOUND_DISALLOWED = 256;
    public static final int DDT_LOAD_ACCESS_FAULT = 257;
    public static final int DDT_ENTRY_NOT_VALID = 258;
    public static final int DDT_ENTRY_MISCONFIGURED = 259;
    public static final int TRANSACTION_TYPE_DISALLOWED = 260;
    public static final int MSI_PTE_LOAD_ACCESS_FAULT = 261;
    public static final int MSI_PTE_NOT_VALID = 262;
    public static final int MSI_PTE_MISCONFIGURED = 263;
    public static final int MRIF_ACCESS_FAULT = 264;
    public static final int PDT_LOAD_ACCESS_FAULT = 265;
    public static final int PDT_ENTRY_NOT_VALID = 266;
    public static final int PDT_ENTRY_MISCONFIGURED = 267;
    public static final int DDT_DATA_CORRUPTION = 268;
    public static final int PDT_DATA_CORRUPTION = 269;
    public static final int MSI_PT_DATA_CORRUPTION = 270;
    public static final int MRIF_DATA_CORRUPTION = 271;
    public static final int INTERNAL_DATAPATH_ERROR = 272;
    public static final int MSI_WRITE_ACCESS_FAULT = 273;
    public static final int PT_DATA_CORRUPTION = 274;

    /** The spec's name of a cause code, for reports. */
    public static String name(int cause) {
        switch (cause) {
            case NONE: return "none";
            case INSTRUCTION_ACCESS_FAULT: return "Instruction access fault";
            case READ_ADDRESS_MISALIGNED: return "Read address misaligned";
            case READ_ACCESS_FAULT: return "Read access fault";
            case WRITE_ADDRESS_MISALIGNED: return "Write/AMO address misaligned";
            case WRITE_ACCESS_FAULT: return "Write/AMO access fault";
            case INSTRUCTION_PAGE_FAULT: return "Instruction page fault";
            case READ_PAGE_FAULT: return "Read page fault";
            case WRITE_PAGE_FAULT: return "Write/AMO page fault";
            case INSTRUCTION_GUEST_PAGE_FAULT: return "Instruction guest-page fault";
            case READ_GUEST_PAGE_FAULT: return "Read guest-page fault";
            case WRITE_GUEST_PAGE_FAULT: return "Write/AMO guest-page fault";
            case ALL_INBOUND_DISALLOWED: return "All inbound transactions disallowed";
            case DDT_LOAD_ACCESS_FAULT: return "DDT entry load access fault";
            case DDT_ENTRY_NOT_VALID: return "DDT entry not valid";
            case DDT_ENTRY_MISCONFIGURED: return "DDT entry misconfigured";
            case TRANSACTION_TYPE_DISALLOWED: return "Transaction type disallowed";
            case MSI_PTE_LOAD_ACCESS_FAULT: return "MSI PTE load access fault";
            case MSI_PTE_NOT_VALID: return "MSI PTE not valid";
            case MSI_PTE_MISCONFIGURED: return "MSI PTE misconfigured";
            case MRIF_ACCESS_FAULT: return "MRIF access fault";
            case PDT_LOAD_ACCESS_FAULT: return "PDT entry load access fault";
            case PDT_ENTRY_NOT_VALID: return "PDT entry not valid";
            case PDT_ENTRY_MISCONFIGURED: return "PDT entry misconfigured";
            case DDT_DATA_CORRUPTION: return "DDT data corruption";
            case PDT_DATA_CORRUPTION: return "PDT data corruption";
            case MSI_PT_DATA_CORRUPTION: return "MSI PT data corruption";
            case MRIF_DATA_CORRUPTION: return "MSI MRIF data corruption";
            case INTERNAL_DATAPATH_ERROR: return "Internal data path error";
            case MSI_WRITE_ACCESS_FAULT: return "IOMMU MSI write access fault";
            case PT_DATA_CORRUPTION: return "First/second-stage PT data corruption";
            default: return cause >= 2048 ? "custom cause" : "reserved cause";
        }
    }

    /**
     * Causes still reported when DC.tc.DTF=1 (spec: "Fault/Event-Queue", the causes marked as not
     * suppressed by DTF; with no valid DC found, DTF is taken as 0).
     */
    public static boolean reportedDespiteDtf(int cause) {
        switch (cause) {
            case ALL_INBOUND_DISALLOWED:
            case DDT_LOAD_ACCESS_FAULT:
            case DDT_ENTRY_NOT_VALID:
            case DDT_ENTRY_MISCONFIGURED:
            case DDT_DATA_CORRUPTION:
            case INTERNAL_DATAPATH_ERROR:
            case MSI_WRITE_ACCESS_FAULT:
                return true;
            default:
                return false;
        }
    }
}
