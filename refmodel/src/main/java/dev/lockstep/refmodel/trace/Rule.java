package dev.lockstep.refmodel.trace;

/**
 * The rules that end or complete a translation, each with the spec text it comes from. "IOMMU"
 * references are sections of the RISC-V IOMMU specification (iommu_data_structures.adoc unless
 * stated); "Priv" references are the RISC-V Privileged specification (supervisor.adoc,
 * hypervisor.adoc).
 */
public enum Rule {
    NONE("no decision", "-"),

    // Process to translate an IOVA (P2IOVA), top level
    MODE_OFF("ddtp.iommu_mode is Off", "IOMMU P2IOVA step 1"),
    MODE_BARE_TRANSLATED_OR_ATS("ddtp.iommu_mode is Bare and the request is Translated or ATS", "IOMMU P2IOVA step 2"),
    MODE_BARE_SUCCESS("ddtp.iommu_mode is Bare: PA = IOVA", "IOMMU P2IOVA step 2"),
    DEVICE_ID_TOO_WIDE("device_id wider than ddtp.iommu_mode supports", "IOMMU P2IOVA step 5"),
    ATS_DISABLED("Translated/ATS request and DC.tc.EN_ATS=0", "IOMMU P2IOVA step 7.1"),
    PID_WITHOUT_PDTV("valid process_id and DC.tc.PDTV=0", "IOMMU P2IOVA step 7.2"),
    PID_TOO_WIDE("process_id wider than pdtp.MODE supports", "IOMMU P2IOVA step 7.3"),
    SUPERVISOR_WITHOUT_ENS("supervisor request and PC.ta.ENS=0", "IOMMU P2IOVA step 15"),
    TRANSLATED_NO_T2GPA("Translated request with DC.tc.T2GPA=0: PA = IOVA", "IOMMU P2IOVA step 8"),
    SUCCESS("translation complete", "IOMMU P2IOVA step 20"),

    // Inbound PCIe messages (TTYP 9)
    MESSAGE_IN_BARE_MODE("PCIe message request while ddtp.iommu_mode is Bare",
            "IOMMU ddtp: in Bare mode PCIe message transactions are unsupported; ATS_PRI"),
    MESSAGE_PRI_DISABLED("Page Request/Stop Marker message and DC.tc.EN_PRI=0", "IOMMU ATS_PRI"),
    MESSAGE_ATS_DISABLED("Invalidation Completion message and DC.tc.EN_ATS=0", "IOMMU DC.tc.EN_ATS"),
    MESSAGE_ACCEPTED("PCIe message accepted by the device context", "IOMMU ATS_PRI, DC.tc.EN_ATS"),

    // Process to locate the Device-context
    DDTE_ACCESS_FAULT("DDT non-leaf entry load access fault", "IOMMU GET_DC step 3"),
    DDTE_CORRUPTED("DDT non-leaf entry data corruption", "IOMMU GET_DC step 4"),
    DDTE_NOT_VALID("DDT non-leaf entry V=0", "IOMMU GET_DC step 5"),
    DDTE_RESERVED("DDT non-leaf entry reserved bits set", "IOMMU GET_DC step 6"),
    DC_ACCESS_FAULT("DC load access fault", "IOMMU GET_DC step 8"),
    DC_CORRUPTED("DC data corruption", "IOMMU GET_DC step 8"),
    DC_NOT_VALID("DC.tc.V=0", "IOMMU GET_DC step 9"),
    DC_RESERVED("DC reserved bits or encodings set", "IOMMU DC_MISCONFIG rule 1"),
    DC_ATS_NOT_SUPPORTED("capabilities.ATS=0 and EN_ATS, EN_PRI or PRPR set", "IOMMU DC_MISCONFIG rule 2"),
    DC_T2GPA_WITHOUT_ATS("EN_ATS=0 and T2GPA=1", "IOMMU DC_MISCONFIG rule 3"),
    DC_PRI_WITHOUT_ATS("EN_ATS=0 and EN_PRI=1", "IOMMU DC_MISCONFIG rule 4"),
    DC_PRPR_WITHOUT_PRI("EN_PRI=0 and PRPR=1", "IOMMU DC_MISCONFIG rule 5"),
    DC_T2GPA_NOT_SUPPORTED("capabilities.T2GPA=0 and T2GPA=1", "IOMMU DC_MISCONFIG rule 6"),
    DC_T2GPA_G_BARE("T2GPA=1 and iohgatp.MODE=Bare", "IOMMU DC_MISCONFIG rule 7"),
    DC_PDTP_MODE("PDTV=1 and pdtp.MODE reserved or not supported", "IOMMU DC_MISCONFIG rules 1, 8"),
    DC_IOSATP_MODE("PDTV=0 and iosatp.MODE invalid or not supported for SXL", "IOMMU DC_MISCONFIG rules 9-11"),
    DC_DPE_WITHOUT_PDTV("PDTV=0 and DPE=1", "IOMMU DC_MISCONFIG rule 12"),
    DC_IOHGATP_MODE("iohgatp.MODE invalid or not supported for fctl.GXL", "IOMMU DC_MISCONFIG rules 13-15"),
    DC_MSIPTP_MODE("msiptp.MODE neither Off nor Flat", "IOMMU DC_MISCONFIG rule 16"),
    DC_IOHGATP_ALIGNMENT("iohgatp root page table not 16-KiB aligned", "IOMMU DC_MISCONFIG rule 17"),
    DC_AD_NOT_SUPPORTED("capabilities.AMO_HWAD=0 and SADE or GADE set", "IOMMU DC_MISCONFIG rule 18"),
    DC_SBE("tc.SBE differs from fctl.BE while fctl.BE is not writable (capabilities.END=0, or BE fixed)", "IOMMU DC_MISCONFIG rules 19, 21"),
    DC_SXL("tc.SXL not a legal value for fctl.GXL", "IOMMU DC_MISCONFIG rule 20"),
    DC_MSIPTP_WITH_G_BARE("iohgatp.MODE=Bare and msiptp.MODE not Off (reserved setting)", "IOMMU DC_MISCONFIG, paragraph after the list"),

    // Process to locate the Process-context
    PDTE_ACCESS_FAULT("PDT non-leaf entry load access fault", "IOMMU GET_PC step 5"),
    PDTE_CORRUPTED("PDT non-leaf entry data corruption", "IOMMU GET_PC step 6"),
    PDTE_NOT_VALID("PDT non-leaf entry V=0", "IOMMU GET_PC step 7"),
    PDTE_RESERVED("PDT non-leaf entry reserved bits set", "IOMMU GET_PC step 8"),
    PC_ACCESS_FAULT("PC load access fault", "IOMMU GET_PC step 10"),
    PC_CORRUPTED("PC data corruption", "IOMMU GET_PC step 10"),
    PC_NOT_VALID("PC.ta.V=0", "IOMMU GET_PC step 11"),
    PC_RESERVED("PC reserved bits set", "IOMMU PC_MISCONFIG rule 1"),
    PC_FSC_MODE("PC.fsc.MODE invalid or not supported for SXL", "IOMMU PC_MISCONFIG rules 2-4"),
    PDT_G_STAGE_ACCESS_FAULT("access fault in the G-stage walk of a PDT address", "IOMMU GET_PC, paragraph 1 (cause 265)"),
    PDT_G_STAGE_CORRUPTED("data corruption in the G-stage walk of a PDT address", "IOMMU GET_PC, paragraph 1 (cause 269)"),

    // Page-table walks (first stage and G stage)
    IOVA_NOT_CANONICAL("IOVA bits above the scheme's width differ from its top bit", "Priv Sv39/Sv48/Sv57 addressing"),
    IOVA_WIDER_THAN_32("SXL=1 and IOVA has bits beyond bit 31 set", "IOMMU DC tc.SXL rules"),
    GPA_TOO_WIDE("GPA has bits set above the x4 scheme's width", "Priv Guest Physical Address Translation (Sv*x4)"),
    GPA_WIDER_THAN_34("SXL=1 and GPA has bits beyond bit 33 set", "IOMMU DC tc.SXL rules"),
    PTE_ACCESS_FAULT("PTE load access fault", "Priv sv32algorithm step 2"),
    PTE_CORRUPTED("PTE data corruption", "IOMMU hw guidelines (cause 274)"),
    PTE_NOT_VALID("PTE.V=0", "Priv sv32algorithm step 3"),
    PTE_W_WITHOUT_R("PTE R=0 and W=1", "Priv sv32algorithm step 3"),
    PTE_RESERVED("PTE reserved bits set (bits 60-54, or 63/62-61 without Svnapot/Svpbmt)", "Priv Sv39 PTE format, step 3"),
    PTE_NONLEAF_RESERVED("non-leaf PTE with D, A, U, N or PBMT set", "Priv Sv32 non-leaf PTEs, Svpbmt, Svnapot"),
    PTE_PBMT_RESERVED("leaf PTE with PBMT=3", "Priv Svpbmt"),
    PTE_NAPOT_RESERVED("PTE with N=1 and a reserved NAPOT encoding", "Priv Svnapot"),
    PTE_XWR_SHADOW_STACK("leaf PTE with XWR=010 (reserved for IO)", "IOMMU P2IOVA, after step 20"),
    PTE_NO_LEAF("non-leaf PTE at level 0", "Priv sv32algorithm step 4"),
    PTE_MISALIGNED_SUPERPAGE("misaligned superpage", "Priv sv32algorithm step 5"),
    PTE_U_USER("user access to a page with U=0", "Priv sv32algorithm step 6"),
    PTE_U_SUPERVISOR("supervisor access to a U=1 page with SUM=0", "Priv sv32algorithm step 6, IOMMU PC.ta.SUM"),
    PTE_U_SUPERVISOR_EXEC("supervisor read-for-execute of a U=1 page", "IOMMU PC.ta.ENS/SUM"),
    PTE_G_STAGE_U("G-stage PTE with U=0 (G-stage accesses are user accesses)", "Priv Guest Physical Address Translation"),
    PTE_PERMISSION("R/W/X permission denied", "Priv sv32algorithm step 8"),
    PTE_A_OR_D_CLEAR("A=0, or D=0 for a write, with hardware A/D update disabled", "Priv sv32algorithm step 9, IOMMU tc.SADE/GADE"),

    // MSI address translation
    MSI_PTE_ACCESS_FAULT("MSI PTE load access fault", "IOMMU MSI_TRANS step 7"),
    MSI_PTE_CORRUPTED("MSI PTE data corruption", "IOMMU MSI_TRANS step 8"),
    MSI_PTE_NOT_VALID("MSI PTE V=0", "IOMMU MSI_TRANS step 9"),
    MSI_PTE_CUSTOM("MSI PTE C=1 (implementation-defined; this model reports it misconfigured)", "IOMMU MSI_TRANS step 10"),
    MSI_PTE_MODE("MSI PTE M=0 or M=2", "IOMMU MSI_TRANS step 12"),
    MSI_PTE_RESERVED("MSI PTE reserved bits set", "IOMMU MSI_TRANS steps 13.1, 14.2"),
    MSI_MRIF_NOT_SUPPORTED("MSI PTE in MRIF mode and capabilities.MSI_MRIF=0", "IOMMU MSI_TRANS step 14.1"),
    MSI_EXEC("read-for-execute of an MSI page (X=0)", "IOMMU MSI_TRANS step 15.1"),
    MSI_FLAT_SUCCESS("MSI address translated by a basic-mode MSI PTE", "IOMMU MSI_TRANS step 13"),
    MSI_MRIF_SUCCESS("MSI address directed to an MRIF", "IOMMU MSI_TRANS step 14"),
    MRIF_ACCESS_FAULT("MRIF access fault", "IOMMU fault causes (cause 264), AIA MRIF"),
    MRIF_CORRUPTED("MRIF data corruption", "IOMMU fault causes (cause 271), AIA MRIF");

    private final String text;
    private final String specReference;

    Rule(String text, String specReference) {
        this.text = text;
        this.specReference = specReference;
    }

    public String text() { return text; }
    public String specReference() { return specReference; }
}
