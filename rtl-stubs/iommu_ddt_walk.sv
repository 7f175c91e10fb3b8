// iommu_ddt_walk: locates the device context (spec: iommu_data_structures.adoc, "Process to
// locate the Device-context") and checks it for misconfiguration. Extended (64 B) DCs are used
// when MSI_FLAT = 1, base (32 B) DCs otherwise.
module iommu_ddt_walk
  import iommu_pkg::*;
#(
  parameter bit MSI_FLAT   = 1'b1,
  parameter bit AMO_HWAD   = 1'b1,
  parameter bit CAP_ATS    = 1'b1,
  parameter bit CAP_T2GPA  = 1'b1,
  parameter bit CAP_SV39   = 1'b1,
  parameter bit CAP_SV48   = 1'b1,
  parameter bit CAP_SV39X4 = 1'b1,
  parameter bit CAP_SV48X4 = 1'b1,
  parameter bit CAP_PD8    = 1'b1,
  parameter bit CAP_PD17   = 1'b1,
  parameter bit CAP_PD20   = 1'b1,
  parameter int unsigned PAS = 56
) (
  input  logic        clk,
  input  logic        rst_n,
  input  logic [31:0]  mutant,
  input  logic        start,
  input  logic [23:0] did,
  input  logic [3:0]  mode,        // ddtp.iommu_mode (1LVL/2LVL/3LVL)
  input  logic [43:0] root_ppn,
  output logic        done,        // one-cycle pulse
  output logic        fault,
  output logic [11:0] cause,
  output logic [63:0] dc [8],      // DC doublewords (dw4..7 are 0 for a base DC)
  // memory client
  output logic        m_req_valid,
  input  logic        m_req_ready,
  output logic [63:0] m_req_addr,
  output logic [3:0]  m_req_words,   // doublewords read from m_req_addr on, one request each
  input  logic        m_rsp_valid,
  input  logic [63:0] m_rsp_rdata,
  input  logic [1:0]  m_rsp_err,
  output logic        busy
);
  localparam int DC_DW = MSI_FLAT ? 8 : 4;

  typedef enum logic [2:0] {W_IDLE, W_DDTE_REQ, W_DDTE_RSP, W_DC_REQ, W_DC_RSP, W_CHECK} st_t;
  st_t st;
  logic [1:0]  lvl;            // current non-leaf level (2 or 1)
  logic [43:0] a;              // PPN of the current table
  logic [2:0]  dw;             // DC doubleword being read
  logic [63:0] dcq [8];

  // device_id split (spec step 3/4 of the translation process)
  logic [8:0] ddi2, ddi1;
  logic [6:0] ddi0;
  always_comb begin
    if (MSI_FLAT && !mutant_on(mutant, M_DDI_BASE_SPLIT)) begin
      ddi0 = {1'b0, did[5:0]}; ddi1 = did[14:6]; ddi2 = did[23:15];
    end else begin
      // base format split (and the planted bug: base split with extended DCs)
      ddi0 = did[6:0]; ddi1 = did[15:7]; ddi2 = {1'b0, did[23:16]};
    end
  end

  logic [63:0] ddte_addr, dc_addr;
  assign ddte_addr = {8'd0, a, 12'd0} + {52'd0, (lvl == 2'd2) ? ddi2 : ddi1, 3'd0};
  assign dc_addr = {8'd0, a, 12'd0} + (MSI_FLAT ? {51'd0, ddi0, 6'd0} : {52'd0, ddi0, 5'd0})
                 + {58'd0, dw, 3'd0};

  // ---- DC misconfiguration checks (spec: "Device-context configuration checks") ----
  function automatic logic s_mode_ok(input logic [3:0] m);
    s_mode_ok = (m == 4'd0) || (m == 4'd8 && CAP_SV39) || (m == 4'd9 && CAP_SV48);
  endfunction
  function automatic logic g_mode_ok(input logic [3:0] m);
    g_mode_ok = (m == 4'd0) || (m == 4'd8 && CAP_SV39X4) || (m == 4'd9 && CAP_SV48X4);
  endfunction
  function automatic logic pd_mode_ok(input logic [3:0] m);
    pd_mode_ok = (m == 4'd0) || (m == 4'd1 && CAP_PD8) || (m == 4'd2 && CAP_PD17) ||
                 (m == 4'd3 && CAP_PD20);
  endfunction

  logic misconf;
  logic [63:0] tc, gatp, ta, fsc, msiptp, mmask, mpat;
  logic [5:0]  mgpaw;
  logic [51:0] mrsvd;
  assign tc = dcq[0]; assign gatp = dcq[1]; assign ta = dcq[2]; assign fsc = dcq[3];
  assign msiptp = dcq[4]; assign mmask = dcq[5]; assign mpat = dcq[6];
  always_comb begin
    // MGPAW (from the capabilities, spec "MSI address mask"): bits 51:(MGPAW-12) of
    // msi_addr_mask / msi_addr_pattern are reserved
    mgpaw = CAP_SV48X4 ? 6'd50 : CAP_SV39X4 ? 6'd41 : 6'(PAS);
    mrsvd = 52'hF_FFFF_FFFF_FFFF << (mgpaw - 6'd12);
    misconf = 1'b0;
    if (tc[63:32] != 32'd0 || tc[23:12] != 12'd0) misconf = 1'b1;      // reserved bits
    if (!CAP_ATS && (tc[1] || tc[2] || tc[6])) misconf = 1'b1;          // EN_ATS/EN_PRI/PRPR, no ATS
    if (!tc[1] && (tc[3] || tc[2])) misconf = 1'b1;                     // T2GPA/EN_PRI need EN_ATS
    if (!tc[2] && tc[6]) misconf = 1'b1;                                // PRPR needs EN_PRI
    if (!CAP_T2GPA && tc[3]) misconf = 1'b1;                            // T2GPA, no cap.T2GPA
    if (tc[3] && gatp[63:60] == 4'd0) misconf = 1'b1;                   // T2GPA needs a G stage
    if (tc[5]) begin                                                    // PDTV: fsc is pdtp
      if (!pd_mode_ok(fsc[63:60])) misconf = 1'b1;
    end else begin                                                      // fsc is iosatp
      if (!s_mode_ok(fsc[63:60])) misconf = 1'b1;
      if (tc[9]) misconf = 1'b1;                                        // DPE needs PDTV
    end
    if (fsc[59:44] != 16'd0) misconf = 1'b1;
    if (!g_mode_ok(gatp[63:60])) misconf = 1'b1;
    if (gatp[63:60] != 4'd0 && gatp[1:0] != 2'd0) misconf = 1'b1;      // root 16 KiB aligned
    if (!AMO_HWAD && (tc[7] || tc[8])) misconf = 1'b1;                  // GADE/SADE
    if (tc[10]) misconf = 1'b1;                                         // SBE != fctl.BE (0)
    if (tc[11]) misconf = 1'b1;                                         // SXL must be 0 (GXL=0)
    if (ta[11:0] != 12'd0 || ta[63:32] != 32'd0) misconf = 1'b1;        // no QOSID: reserved
    if (MSI_FLAT) begin
      if (msiptp[63:60] > 4'd1) misconf = 1'b1;                         // Off or Flat only
      if (msiptp[59:44] != 16'd0) misconf = 1'b1;
      if (gatp[63:60] == 4'd0 && msiptp[63:60] != 4'd0) misconf = 1'b1; // MSI PT needs G stage
      if (mmask[63:52] != 12'd0 || (mmask[51:0] & mrsvd) != 52'd0) misconf = 1'b1;
      if (mpat[63:52] != 12'd0 || (mpat[51:0] & mrsvd) != 52'd0) misconf = 1'b1;
      if (dcq[7] != 64'd0) misconf = 1'b1;                              // reserved doubleword
    end
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      st <= W_IDLE; done <= 1'b0; fault <= 1'b0; cause <= 12'd0;
      lvl <= 2'd0; a <= 44'd0; dw <= 3'd0;
      for (int i = 0; i < 8; i++) dcq[i] <= 64'd0;
    end else begin
      done <= 1'b0;
      case (st)
        W_IDLE: if (start) begin
          a <= root_ppn;
          dw <= 3'd0;
          fault <= 1'b0; cause <= 12'd0;
          for (int i = 0; i < 8; i++) dcq[i] <= 64'd0;
          if (mode == MODE_3LVL)      begin lvl <= 2'd2; st <= W_DDTE_REQ; end
          else if (mode == MODE_2LVL) begin lvl <= 2'd1; st <= W_DDTE_REQ; end
          else                        begin lvl <= 2'd0; st <= W_DC_REQ;   end
        end
        W_DDTE_REQ: if (m_req_ready) st <= W_DDTE_RSP;
        W_DDTE_RSP: if (m_rsp_valid) begin
          if (m_rsp_err != 2'd0) begin
            fault <= 1'b1; cause <= (m_rsp_err == 2'd1) ? C_DDT_ACCESS : C_DDT_CORRUPT;
            done <= 1'b1; st <= W_IDLE;
          end else if (mutant_on(mutant, M_CAUSE_MISCONF_OVER_V) &&
                       (m_rsp_rdata[9:1] != 9'd0 || m_rsp_rdata[63:54] != 10'd0)) begin
            fault <= 1'b1; cause <= C_DDT_MISCONF;                    // BUG: checked before V
            done <= 1'b1; st <= W_IDLE;
          end else if (!m_rsp_rdata[0]) begin
            fault <= 1'b1; cause <= C_DDT_INVALID; done <= 1'b1; st <= W_IDLE;
          end else if (m_rsp_rdata[9:1] != 9'd0 || m_rsp_rdata[63:54] != 10'd0) begin
            fault <= 1'b1; cause <= C_DDT_MISCONF; done <= 1'b1; st <= W_IDLE;
          end else begin
            a <= m_rsp_rdata[53:10];
            if (lvl == 2'd1) st <= W_DC_REQ;
            else st <= W_DDTE_REQ;
            lvl <= lvl - 2'd1;
          end
        end
        W_DC_REQ: if (m_req_ready) st <= W_DC_RSP;
        W_DC_RSP: if (m_rsp_valid) begin
          if (m_rsp_err != 2'd0) begin
            fault <= 1'b1; cause <= (m_rsp_err == 2'd1) ? C_DDT_ACCESS : C_DDT_CORRUPT;
            done <= 1'b1; st <= W_IDLE;
          end else begin
            dcq[dw] <= m_rsp_rdata;
            if (int'(dw) == DC_DW - 1) st <= W_CHECK;
            else begin dw <= dw + 3'd1; st <= W_DC_REQ; end
          end
        end
        W_CHECK: begin
          // V is checked before the configuration (cause 258 has priority over 259)
          if (mutant_on(mutant, M_CAUSE_MISCONF_OVER_V) && misconf) begin
            fault <= 1'b1; cause <= C_DDT_MISCONF;                    // BUG: checked before V
          end else if (!tc[0]) begin
            fault <= 1'b1; cause <= C_DDT_INVALID;
          end else if (misconf) begin
            fault <= 1'b1; cause <= C_DDT_MISCONF;
          end
          done <= 1'b1; st <= W_IDLE;
        end
        default: st <= W_IDLE;
      endcase
    end
  end

  assign m_req_valid = (st == W_DDTE_REQ) || (st == W_DC_REQ);
  assign m_req_addr = (st == W_DDTE_REQ) ? ddte_addr : dc_addr;
  assign m_req_words = (st == W_DC_REQ) ? 4'(DC_DW) - {1'b0, dw} : 4'd1;
  assign busy = (st != W_IDLE);
  always_comb for (int i = 0; i < 8; i++) dc[i] = dcq[i];

  logic unused;
  assign unused = ^{ddi0[6], tc[31:24], tc[4], gatp[59:2], ta[31:12], fsc[43:0], msiptp[43:0]};
endmodule
