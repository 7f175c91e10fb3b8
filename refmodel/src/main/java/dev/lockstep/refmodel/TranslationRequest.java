package dev.lockstep.refmodel;

import dev.lockstep.refmodel.fault.Ttyp;

/**
 * An inbound request from a device (spec: "Process to translate an IOVA", inputs): device_id, an
 * optional process_id, the privilege (Supervisor only with a process_id), the transaction type as the
 * fault record's TTYP encodes it (untranslated/translated read, write, read-for-execute, an ATS
 * translation request, or a PCIe message request) and the IOVA. For a PCIe message request (TTYP 9)
 * {@code iova} holds the 8-bit PCIe message code, which the fault record reports in iotval (spec:
 * "Fault/Event-Queue", TTYP encodings).
 *
 * <p>{@code noWrite} and {@code execRequested} are the PCIe ATS translation request's "No Write" and
 * "Execute Requested" fields (spec: "PCIe ATS translation request handling"); other requests have
 * neither.
 *
 * <p>{@code cxl} is the Root Port's indication that the endpoint of an ATS translation request is a CXL
 * type 1 or type 2 device (spec: "ATS interface"); it decides the completion's CXL.io bit.
 *
 * <p>{@code data} is the 32-bit data of a write, or {@link #NO_DATA}. The translation process does not
 * need it; the IOMMU does when it records an MSI in a memory-resident interrupt file (an MRIF-mode MSI
 * PTE: the MSI's data is the interrupt identity, spec "Process to translate addresses of MSIs", note).
 *
 * @throws IllegalArgumentException naming the field when {@code data} is ill-formed
 */
public record TranslationRequest(int deviceId, boolean pv, int processId, boolean priv, int ttyp, long iova, long data,
                                 boolean noWrite, boolean execRequested, boolean cxl) {

    /** {@link #data()} of a request that carries no write data. */
    public static final long NO_DATA = -1;

    public TranslationRequest {
        if ((noWrite || execRequested || cxl) && ttyp != Ttyp.ATS_TRANSLATION) {
            throw new IllegalArgumentException((noWrite ? "noWrite" : execRequested ? "execRequested" : "cxl")
                    + ": only a PCIe ATS translation request (TTYP 8) has it, not TTYP " + ttyp);
        }
        if (data != NO_DATA) {
            if ((data & ~0xffff_ffffL) != 0) {
                throw new IllegalArgumentException("data: a write's data is 32 bits (0..0xffffffff) or NO_DATA, got 0x"
                        + Long.toHexString(data));
            }
            if (!Ttyp.isWrite(ttyp)) {
                throw new IllegalArgumentException("data: only a write (TTYP 3 or 7) carries data, not TTYP " + ttyp);
            }
        }
    }

    /** A request from a device that is not a CXL type 1/2 device. */
    public TranslationRequest(int deviceId, boolean pv, int processId, boolean priv, int ttyp, long iova, long data,
                              boolean noWrite, boolean execRequested) {
        this(deviceId, pv, processId, priv, ttyp, iova, data, noWrite, execRequested, false);
    }

    /** A request without write data. */
    public TranslationRequest(int deviceId, boolean pv, int processId, boolean priv, int ttyp, long iova) {
        this(deviceId, pv, processId, priv, ttyp, iova, NO_DATA);
    }

    /** A request that is not an ATS translation request. */
    public TranslationRequest(int deviceId, boolean pv, int processId, boolean priv, int ttyp, long iova, long data) {
        this(deviceId, pv, processId, priv, ttyp, iova, data, false, false);
    }

    /** A PCIe ATS translation request with its "No Write" and "Execute Requested" fields. */
    public static TranslationRequest ats(int deviceId, boolean pv, int processId, boolean priv, long iova,
                                         boolean noWrite, boolean execRequested) {
        return new TranslationRequest(deviceId, pv, processId, priv, Ttyp.ATS_TRANSLATION, iova, NO_DATA, noWrite,
                execRequested);
    }

    public static TranslationRequest untranslated(int deviceId, long iova, boolean write) {
        return new TranslationRequest(deviceId, false, 0, false,
                write ? Ttyp.UNTRANSLATED_WRITE : Ttyp.UNTRANSLATED_READ, iova);
    }

    /** An untranslated 32-bit write of {@code data} (e.g. an MSI) without a process_id. */
    public static TranslationRequest untranslatedWrite(int deviceId, long iova, int data) {
        return new TranslationRequest(deviceId, false, 0, false, Ttyp.UNTRANSLATED_WRITE, iova, data & 0xffff_ffffL);
    }

    /** This request carrying the write data {@code data} (32 bits). */
    public TranslationRequest withData(long newData) {
        return new TranslationRequest(deviceId, pv, processId, priv, ttyp, iova, newData, noWrite, execRequested, cxl);
    }

    /** This ATS translation request from a CXL type 1/2 device ({@code cxlDevice}) or not. */
    public TranslationRequest withCxl(boolean cxlDevice) {
        return new TranslationRequest(deviceId, pv, processId, priv, ttyp, iova, data, noWrite, execRequested, cxlDevice);
    }

    public boolean isWrite() { return Ttyp.isWrite(ttyp); }
    public boolean isExec() { return Ttyp.isExec(ttyp); }
    public boolean hasData() { return data != NO_DATA; }
}
