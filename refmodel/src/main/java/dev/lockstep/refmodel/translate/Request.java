package dev.lockstep.refmodel.translate;

import dev.lockstep.refmodel.fault.Ttyp;

/**
 * An inbound transaction to translate (IOMMU "Process to translate an IOVA" and the translation
 * request interface).
 *
 * @param deviceId      device_id, 24 bits
 * @param pidValid      whether the request carries a process_id (PCIe: a PASID)
 * @param processId     process_id, 20 bits (ignored and must be 0 when {@code pidValid} is false)
 * @param iova          the IOVA (a GPA for translated requests with T2GPA, an SPA without); for a PCIe
 *                      message request the 8-bit message code ({@link PcieMessage}), which the fault
 *                      record reports in iotval
 * @param type          the TTYP encoding: 1/2/3 untranslated exec/read/write, 5/6/7 translated
 *                      exec/read/write, 8 PCIe ATS translation request, 9 PCIe message request
 * @param supervisor    supervisor privilege requested; only with a process_id (the privilege of a
 *                      request without one is User)
 * @param noWrite       ATS only: the no-write flag (only read permission requested)
 * @param execRequested ATS only: execute permission requested; only with a process_id (IOMMU "Device
 *                      Translation Request interface": "Execute requested must be explicitly associated
 *                      with the request (e.g., using a PCIe PASID). When not explicitly requested, the
 *                      default must be 0"), so the translator ignores it without one
 * @param cxl           ATS only: the Root Port's indication that the requesting endpoint is a CXL type 1
 *                      or type 2 device (IOMMU "ATS interface"); it decides the completion's CXL.io
 * @throws IllegalArgumentException naming the field when the input is ill-formed
 */
public record Request(int deviceId, boolean pidValid, int processId, long iova, int type, boolean supervisor,
                      boolean noWrite, boolean execRequested, boolean cxl) {

    public Request {
        if ((deviceId & ~0xffffff) != 0) throw new IllegalArgumentException("device_id: wider than 24 bits: 0x" + Integer.toHexString(deviceId));
        if ((processId & ~0xfffff) != 0) throw new IllegalArgumentException("process_id: wider than 20 bits: 0x" + Integer.toHexString(processId));
        if (!pidValid && processId != 0) throw new IllegalArgumentException("process_id: must be 0 when not valid");
        boolean known = Ttyp.isUntranslated(type) || Ttyp.isTranslated(type) || type == Ttyp.ATS_TRANSLATION || type == Ttyp.PCIE_MESSAGE;
        if (!known) throw new IllegalArgumentException("type: not a transaction TTYP (1-3, 5-9): " + type);
        if (supervisor && !pidValid) throw new IllegalArgumentException("supervisor: a request without a process_id has User privilege");
        if (type == Ttyp.PCIE_MESSAGE && (iova & ~0xffL) != 0) {
            throw new IllegalArgumentException("iova: a PCIe message request carries its 8-bit message code here, got 0x"
                    + Long.toHexString(iova));
        }
        if ((noWrite || execRequested || cxl) && type != Ttyp.ATS_TRANSLATION) {
            throw new IllegalArgumentException("noWrite/execRequested/cxl: only for ATS translation requests (type 8)");
        }
    }

    /** A request from a device that is not a CXL type 1/2 device. */
    public Request(int deviceId, boolean pidValid, int processId, long iova, int type, boolean supervisor,
                   boolean noWrite, boolean execRequested) {
        this(deviceId, pidValid, processId, iova, type, supervisor, noWrite, execRequested, false);
    }

    /** An untranslated read (2), write (3) or read-for-execute (1) without a process_id. */
    public static Request untranslated(int deviceId, long iova, int ttyp) {
        return new Request(deviceId, false, 0, iova, ttyp, false, false, false);
    }

    /** A request of type {@code ttyp} without a process_id. */
    public static Request of(int ttyp, int deviceId, long iova) {
        return new Request(deviceId, false, 0, iova, ttyp, false, false, false);
    }

    /** An ATS translation request without a process_id. */
    public static Request ats(int deviceId, long iova, boolean noWrite, boolean execRequested) {
        return new Request(deviceId, false, 0, iova, Ttyp.ATS_TRANSLATION, false, noWrite, execRequested);
    }

    /**
     * An inbound PCIe message (TTYP 9) with message code {@code code} ({@link PcieMessage}), with a PASID
     * when {@code pv} ({@code priv}: its "Privilege Mode Requested" bit).
     */
    public static Request message(int deviceId, boolean pv, int processId, boolean priv, int code) {
        return new Request(deviceId, pv, pv ? processId : 0, code & 0xffffffffL, Ttyp.PCIE_MESSAGE, pv && priv, false, false);
    }

    /** This request with a process_id and privilege. */
    public Request withProcess(int processId, boolean supervisor) {
        return new Request(deviceId, true, processId, iova, type, supervisor, noWrite, execRequested, cxl);
    }

    public Request withIova(long newIova) {
        return new Request(deviceId, pidValid, processId, newIova, type, supervisor, noWrite, execRequested, cxl);
    }

    /** This ATS translation request from a CXL type 1/2 device ({@code cxl}) or not. */
    public Request withCxl(boolean cxlDevice) {
        return new Request(deviceId, pidValid, processId, iova, type, supervisor, noWrite, execRequested, cxlDevice);
    }

    public boolean isAts() { return type == Ttyp.ATS_TRANSLATION; }
    public boolean isTranslated() { return Ttyp.isTranslated(type); }
    /** A PCIe message request (TTYP 9); its message code is {@link #iova()}. */
    public boolean isMessage() { return type == Ttyp.PCIE_MESSAGE; }
}
