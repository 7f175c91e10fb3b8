package dev.lockstep.stimulus;

import java.util.ArrayList;
import java.util.List;

/**
 * Names and fields of the IOMMU registers as the spec writes them (spec: chapter "Memory-mapped
 * register interface"), so reports speak the spec's language.
 */
public final class RegisterNames {
    private RegisterNames() {}

    /** A field of a register: its spec name and bit range [msb:lsb] within the register. */
    public record Field(String name, int msb, int lsb) {
        public long mask() {
            int width = msb - lsb + 1;
            return (width == 64 ? -1L : ((1L << width) - 1)) << lsb;
        }

        public long extract(long value) { return (value & mask()) >>> lsb; }
    }

    /** The register's spec name, with the index for arrays, e.g. {@code iohpmctr3}, {@code msi_addr_2}. */
    public static String name(int offset) {
        int base = offset & ~3;
        switch (base & ~7) {
            case 0: return "capabilities";
            case 8: return (base & 4) == 0 ? "fctl" : "custom";
            case 16: return "ddtp";
            case 24: return "cqb";
            case 32: return (base & 4) == 0 ? "cqh" : "cqt";
            case 40: return "fqb";
            case 48: return (base & 4) == 0 ? "fqh" : "fqt";
            case 56: return "pqb";
            case 64: return (base & 4) == 0 ? "pqh" : "pqt";
            case 72: return (base & 4) == 0 ? "cqcsr" : "fqcsr";
            case 80: return (base & 4) == 0 ? "pqcsr" : "ipsr";
            case 88: return (base & 4) == 0 ? "iocountovf" : "iocountinh";
            case 96: return "iohpmcycles";
            case 600: return "tr_req_iova";
            case 608: return "tr_req_ctl";
            case 616: return "tr_response";
            case 760: return "icvec";
            default: break;
        }
        if (base >= 104 && base < 352) return "iohpmctr" + ((base - 104) / 8 + 1);
        if (base >= 352 && base < 600) return "iohpmevt" + ((base - 352) / 8 + 1);
        if (base == 624) return "iommu_qosid";
        if (base >= 768 && base < 1024) {
            int index = (base - 768) / 16;
            int within = (base - 768) % 16;
            return (within < 8 ? "msi_addr_" : within < 12 ? "msi_data_" : "msi_vec_ctl_") + index;
        }
        return "reserved";
    }

    /** The fields of the register at {@code offset} (8-byte registers: the whole register). */
    public static List<Field> fields(int offset) {
        List<Field> f = new ArrayList<>();
        switch (name(offset)) {
            case "capabilities":
                add(f, "version", 7, 0); add(f, "Sv32", 8, 8); add(f, "Sv39", 9, 9); add(f, "Sv48", 10, 10);
                add(f, "Sv57", 11, 11); add(f, "Svrsw60t59b", 14, 14); add(f, "Svpbmt", 15, 15);
                add(f, "Sv32x4", 16, 16); add(f, "Sv39x4", 17, 17); add(f, "Sv48x4", 18, 18);
                add(f, "Sv57x4", 19, 19); add(f, "AMO_MRIF", 21, 21); add(f, "MSI_FLAT", 22, 22);
                add(f, "MSI_MRIF", 23, 23); add(f, "AMO_HWAD", 24, 24); add(f, "ATS", 25, 25);
                add(f, "T2GPA", 26, 26); add(f, "END", 27, 27); add(f, "IGS", 29, 28); add(f, "HPM", 30, 30);
                add(f, "DBG", 31, 31); add(f, "PAS", 37, 32); add(f, "PD8", 38, 38); add(f, "PD17", 39, 39);
                add(f, "PD20", 40, 40); add(f, "QOSID", 41, 41); add(f, "NL", 42, 42); add(f, "S", 43, 43);
                add(f, "custom", 63, 56);
                break;
            case "fctl":
                add(f, "BE", 0, 0); add(f, "WSI", 1, 1); add(f, "GXL", 2, 2); add(f, "custom", 31, 16);
                break;
            case "ddtp":
                add(f, "iommu_mode", 3, 0); add(f, "busy", 4, 4); add(f, "PPN", 53, 10);
                break;
            case "cqb": case "fqb": case "pqb":
                add(f, "LOG2SZ-1", 4, 0); add(f, "PPN", 53, 10);
                break;
            case "cqcsr":
                add(f, "cqen", 0, 0); add(f, "cie", 1, 1); add(f, "cqmf", 8, 8); add(f, "cmd_to", 9, 9);
                add(f, "cmd_ill", 10, 10); add(f, "fence_w_ip", 11, 11); add(f, "cqon", 16, 16);
                add(f, "busy", 17, 17); add(f, "custom", 31, 28);
                break;
            case "fqcsr":
                add(f, "fqen", 0, 0); add(f, "fie", 1, 1); add(f, "fqmf", 8, 8); add(f, "fqof", 9, 9);
                add(f, "fqon", 16, 16); add(f, "busy", 17, 17);
                break;
            case "pqcsr":
                add(f, "pqen", 0, 0); add(f, "pie", 1, 1); add(f, "pqmf", 8, 8); add(f, "pqof", 9, 9);
                add(f, "pqon", 16, 16); add(f, "busy", 17, 17);
                break;
            case "ipsr":
                add(f, "cip", 0, 0); add(f, "fip", 1, 1); add(f, "pmip", 2, 2); add(f, "pip", 3, 3);
                add(f, "custom", 15, 8);
                break;
            case "icvec":
                add(f, "civ", 3, 0); add(f, "fiv", 7, 4); add(f, "pmiv", 11, 8); add(f, "piv", 15, 12);
                add(f, "custom", 63, 32);
                break;
            default:
                add(f, "value", 63, 0);
        }
        return f;
    }

    private static void add(List<Field> f, String name, int msb, int lsb) { f.add(new Field(name, msb, lsb)); }
}
