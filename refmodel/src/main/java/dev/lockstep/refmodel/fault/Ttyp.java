package dev.lockstep.refmodel.fault;

/** Transaction types as encoded in the fault record's TTYP field (spec: "Fault/Event-Queue"). */
public final class Ttyp {
    private Ttyp() {}

    public static final int NONE = 0;
    public static final int UNTRANSLATED_EXEC = 1;
    public static final int UNTRANSLATED_READ = 2;
    public static final int UNTRANSLATED_WRITE = 3;
    public static final int TRANSLATED_EXEC = 5;
    public static final int TRANSLATED_READ = 6;
    public static final int TRANSLATED_WRITE = 7;
    public static final int ATS_TRANSLATION = 8;
    public static final int PCIE_MESSAGE = 9;

    public static boolean isUntranslated(int ttyp) { return ttyp >= 1 && ttyp <= 3; }
    public static boolean isTranslated(int ttyp) { return ttyp >= 5 && ttyp <= 7; }
    public static boolean isExec(int ttyp) { return ttyp == UNTRANSLATED_EXEC || ttyp == TRANSLATED_EXEC; }
    public static boolean isWrite(int ttyp) { return ttyp == UNTRANSLATED_WRITE || ttyp == TRANSLATED_WRITE; }

    public static String name(int ttyp) {
        switch (ttyp) {
            case NONE: return "none";
            case UNTRANSLATED_EXEC: return "untranslated read-for-execute";
            case UNTRANSLATED_READ: return "untranslated read";
            case UNTRANSLATED_WRITE: return "untranslated write/AMO";
            case TRANSLATED_EXEC: return "translated read-for-execute";
            case TRANSLATED_READ: return "translated read";
            case TRANSLATED_WRITE: return "translated write/AMO";
            case ATS_TRANSLATION: return "PCIe ATS translation request";
            case PCIE_MESSAGE: return "PCIe message request";
            default: return "reserved/custom " + ttyp;
        }
    }
}
