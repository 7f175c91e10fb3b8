// iommu_pkg: shared constants of the RISC-V IOMMU (spec: iommu_registers.adoc,
// iommu_data_structures.adoc) and the identifiers of the planted bugs (mutants.tsv).
// Not every module uses every constant.
/* verilator lint_off UNUSEDPARAM */
package iommu_pkg;

  // ---- Register offsets (spec: "Register layout") ----
  localparam logic [11:0] R_CAPS   = 12'd0;
  localparam logic [11:0] R_FCTL   = 12'd8;
  localparam logic [11:0] R_DDTP   = 12'd16;
  localparam logic [11:0] R_CQB    = 12'd24;
  localparam logic [11:0] R_CQH    = 12'd32;
  localparam logic [11:0] R_CQT    = 12'd36;
  localparam logic [11:0] R_FQB    = 12'd40;
  localparam logic [11:0] R_FQH    = 12'd48;
  localparam logic [11:0] R_FQT    = 12'd52;
  localparam logic [11:0] R_PQB    = 12'd56;
  localparam logic [11:0] R_PQH    = 12'd64;
  localparam logic [11:0] R_PQT    = 12'd68;
  localparam logic [11:0] R_CQCSR  = 12'd72;
  localparam logic [11:0] R_FQCSR  = 12'd76;
  localparam logic [11:0] R_PQCSR  = 12'd80;
  localparam logic [11:0] R_IPSR   = 12'd84;
  localparam logic [11:0] R_ICVEC  = 12'd760;

  // ---- ddtp.iommu_mode ----
  localparam logic [3:0] MODE_OFF  = 4'd0;
  localparam logic [3:0] MODE_BARE = 4'd1;
  localparam logic [3:0] MODE_1LVL = 4'd2;
  localparam logic [3:0] MODE_2LVL = 4'd3;
  localparam logic [3:0] MODE_3LVL = 4'd4;

  // ---- Transaction types (fault record TTYP encoding) ----
  localparam logic [5:0] TT_NONE    = 6'd0;
  localparam logic [5:0] TT_UT_EXEC = 6'd1;
  localparam logic [5:0] TT_UT_READ = 6'd2;
  localparam logic [5:0] TT_UT_WRITE= 6'd3;
  localparam logic [5:0] TT_T_EXEC  = 6'd5;
  localparam logic [5:0] TT_T_READ  = 6'd6;
  localparam logic [5:0] TT_T_WRITE = 6'd7;
  localparam logic [5:0] TT_ATS     = 6'd8;
  localparam logic [5:0] TT_MSG     = 6'd9;    // PCIe message request (Page Request)

  // ---- Fault cause codes (spec: "Fault/Event-Queue record", table of causes) ----
  localparam logic [11:0] C_INST_ACCESS   = 12'd1;
  localparam logic [11:0] C_LOAD_ACCESS   = 12'd5;
  localparam logic [11:0] C_STORE_ACCESS  = 12'd7;
  localparam logic [11:0] C_INST_PF       = 12'd12;
  localparam logic [11:0] C_LOAD_PF       = 12'd13;
  localparam logic [11:0] C_STORE_PF      = 12'd15;
  localparam logic [11:0] C_INST_GPF      = 12'd20;
  localparam logic [11:0] C_LOAD_GPF      = 12'd21;
  localparam logic [11:0] C_STORE_GPF     = 12'd23;
  localparam logic [11:0] C_ALL_DISALLOW  = 12'd256;
  localparam logic [11:0] C_DDT_ACCESS    = 12'd257;
  localparam logic [11:0] C_DDT_INVALID   = 12'd258;
  localparam logic [11:0] C_DDT_MISCONF   = 12'd259;
  localparam logic [11:0] C_TTYP_DISALLOW = 12'd260;
  localparam logic [11:0] C_MSI_ACCESS    = 12'd261;
  localparam logic [11:0] C_MSI_INVALID   = 12'd262;
  localparam logic [11:0] C_MSI_MISCONF   = 12'd263;
  localparam logic [11:0] C_PDT_ACCESS    = 12'd265;
  localparam logic [11:0] C_PDT_INVALID   = 12'd266;
  localparam logic [11:0] C_PDT_MISCONF   = 12'd267;
  localparam logic [11:0] C_DDT_CORRUPT   = 12'd268;
  localparam logic [11:0] C_PDT_CORRUPT   = 12'd269;
  localparam logic [11:0] C_MSI_CORRUPT   = 12'd270;
  localparam logic [11:0] C_PT_CORRUPT    = 12'd274;

  // ---- Memory port operations ----
  localparam logic [1:0] MOP_READ  = 2'd0;
  localparam logic [1:0] MOP_WRITE = 2'd1;
  localparam logic [1:0] MOP_AMOOR = 2'd2;
  // Compare and swap: if the doubleword equals cmp, write wdata; the response carries the old value
  // either way (the requester compares it with cmp to know whether the swap took place).
  localparam logic [1:0] MOP_CAS   = 2'd3;

  // ---- Planted bugs (see mutants.tsv; 0 = none; mutant_on() below selects them) ----
  localparam logic [7:0] M_NONE                 = 8'd0;
  localparam logic [7:0] M_DDTP_MODE_WARL       = 8'd1;
  localparam logic [7:0] M_DDI_BASE_SPLIT       = 8'd2;
  localparam logic [7:0] M_L1_INDEX_OFF_BY_ONE  = 8'd3;
  localparam logic [7:0] M_SUPERPAGE_MISALIGN   = 8'd4;
  localparam logic [7:0] M_SUPERPAGE_PA_MERGE   = 8'd5;
  localparam logic [7:0] M_SUM_IGNORED          = 8'd6;
  localparam logic [7:0] M_GSTAGE_U_IGNORED     = 8'd7;
  localparam logic [7:0] M_WRITE_CHECKS_R       = 8'd8;
  localparam logic [7:0] M_XWR_010_ALLOWED      = 8'd9;
  localparam logic [7:0] M_D_BIT_IGNORED        = 8'd10;
  localparam logic [7:0] M_HWAD_D_ON_READ       = 8'd11;
  localparam logic [7:0] M_SIGN_EXT_UNCHECKED   = 8'd12;
  localparam logic [7:0] M_GPA_WIDTH_UNCHECKED  = 8'd13;
  localparam logic [7:0] M_CAUSE_MISCONF_OVER_V = 8'd14;
  localparam logic [7:0] M_FQ_TTYP_SHIFTED      = 8'd15;
  localparam logic [7:0] M_IOTVAL2_IMPLICIT_BIT = 8'd16;
  localparam logic [7:0] M_INVAL_VMA_SUPERPAGE  = 8'd17;
  localparam logic [7:0] M_INVAL_GVMA_BARE_ONLY = 8'd18;
  localparam logic [7:0] M_IOFENCE_EARLY        = 8'd19;
  localparam logic [7:0] M_CQH_NO_WRAP          = 8'd20;
  localparam logic [7:0] M_FQ_FULL_NO_WRAP   = 8'd21;
  localparam logic [7:0] M_CQCSR_RW1C_AS_RW     = 8'd22;
  localparam logic [7:0] M_FIP_WITHOUT_FIE      = 8'd23;
  localparam logic [7:0] M_DDTC_INVAL_LAST      = 8'd24;
  localparam logic [7:0] M_IOTLB_U_UNCHECKED    = 8'd25;
  localparam logic [7:0] M_PD17_ROOT_INDEX      = 8'd26;
  localparam logic [7:0] M_MSI_MASK_IGNORED     = 8'd27;
  localparam logic [7:0] M_DTF_IGNORED          = 8'd28;
  localparam logic [7:0] M_ATS_WRITE_DENIED_ALL = 8'd29;
  localparam logic [7:0] M_ATS_PF_REPORTED      = 8'd30;
  localparam logic [7:0] M_ATS_PRIV_DROPPED     = 8'd31;
  localparam logic [7:0] M_PRGR_INDEX_SHIFTED   = 8'd32;
  localparam logic [7:0] M_TRANSLATED_NO_EN_ATS = 8'd33;
  localparam logic [7:0] M_T2GPA_ATS_SPA        = 8'd34;
  localparam logic [7:0] M_T2GPA_TRANSLATED_SPA = 8'd35;
  localparam logic [7:0] M_PRQ_STOP_MARKER_RESPONSE = 8'd36;
  localparam logic [7:0] M_CXL_IO_NOT_CXL       = 8'd37;
  // 38-42: the AXI wrapper's own planted bugs (axi/lockstep_iommu_axi.sv).
  // Concurrency bugs: live only while requests overlap (several in flight, or a command during a walk).
  localparam logic [7:0] M_OVL_CPL_PA_SWAP       = 8'd43;
  localparam logic [7:0] M_OVL_REC_MIXED         = 8'd44;
  localparam logic [7:0] M_OVL_CPL_TAG_SWAP      = 8'd45;
  localparam logic [7:0] M_OVL_CPL_DROPPED       = 8'd46;
  localparam logic [7:0] M_OVL_REC_DROPPED       = 8'd47;
  localparam logic [7:0] M_OVL_INVAL_BUSY_WALKER = 8'd48;
  localparam logic [7:0] M_OVL_IOTLB_STALE_FILL  = 8'd49;
  localparam logic [7:0] M_OVL_DDTC_STALE_FILL   = 8'd50;
  // Page-request queue against pqcsr writes: live only while a Page Request races the write.
  localparam logic [7:0] M_OVL_PRQ_TORN_RECORD   = 8'd51;
  localparam logic [7:0] M_OVL_PRQ_ENABLE_TAIL   = 8'd52;
  // Ordering bugs: nothing but the cycle of a queue tail move or of an IOFENCE.C's completion changes
  // (ABI 7 events LOCKSTEP_EV_QUEUE_TAIL, LOCKSTEP_EV_INVAL_COMPLETION show them).
  localparam logic [7:0] M_FQ_TAIL_BEFORE_DATA   = 8'd53;
  localparam logic [7:0] M_IOFENCE_SKIPS_ATS_WAIT = 8'd54;
  // Arrival order: live only while a request arrives during another's walk (docs/concurrency.md section 18).
  localparam logic [7:0] M_OVL_MISS_MERGE        = 8'd55;
  localparam logic [7:0] M_OVL_INVAL_HELD        = 8'd56;


  // Whether planted bug `id` is selected: the 32-bit mutant input holds up to four bug ids, one per
  // byte (0 = empty slot), so several planted bugs can be enabled together (lockstep_reset()).
  function automatic logic mutant_on(input logic [31:0] sel, input logic [7:0] id);
    mutant_on = id != M_NONE && (sel[7:0] == id || sel[15:8] == id || sel[23:16] == id || sel[31:24] == id);
  endfunction

  // The index mask of a queue of 2^(log2m1 + 1) entries (its base's LOG2SZ-1 field).
  function automatic logic [31:0] idx_mask(input logic [4:0] log2m1);
    idx_mask = 32'hFFFF_FFFF >> (5'd31 - log2m1);
  endfunction
endpackage
/* verilator lint_on UNUSEDPARAM */
