package dev.lockstep.refmodel;

import dev.lockstep.refmodel.fault.Ttyp;

/**
 * An inbound request from a device (spec: "Process to translate an IOVA", inputs): device_id, an
 * optional process_id, the privilege (Supervisor only with a process_id), the transaction type as the
 * fault record's TTYP encodes it (untranslated/translated read, write, read-for-execute, or an ATS
 * translation request) and the IOVA.
 */
public record TranslationRequest(int deviceId, boolean pv, int processId, boolean priv, int ttyp, long iova) {

    public static TranslationRequest untranslated(int deviceId, long iova, boolean write) {
        return new TranslationRequest(deviceId, false, 0, false,
                write ? Ttyp.UNTRANSLATED_WRITE : Ttyp.UNTRANSLATED_READ, iova);
    }

    public boolean isWrite() { return Ttyp.isWrite(ttyp); }
    public boolean isExec() { return Ttyp.isExec(ttyp); }
}
