// lockstep_iommu: top of the default DUT (native co-simulation ports, see README.md).
module lockstep_iommu
  import iommu_pkg::*;
#(
  parameter bit CAP_SV39   = 1'b1,
  parameter bit CAP_SV48   = 1'b1,
  parameter bit CAP_SV39X4 = 1'b1,
  parameter bit CAP_SV48X4 = 1'b1,
  parameter bit MSI_FLAT   = 1'b1,
  parameter bit AMO_HWAD   = 1'b1,
  parameter bit CAP_PD8    = 1'b1,
  parameter bit CAP_PD17   = 1'b1,
  parameter bit CAP_PD20   = 1'b1,
  parameter int unsigned PAS = 56
) (
  input  logic        clk,
  input  logic        rst_n,
  input  logic [7:0]  mutant,
  input  logic        reg_req_valid,
  output logic        reg_req_ready,
  input  logic        reg_req_write,
  input  logic [11:0] reg_req_offset,
  input  logic        reg_req_size8,
  input  logic [63:0] reg_req_wdata,
  output logic        reg_rsp_valid,
  output logic [63:0] reg_rsp_rdata,
  input  logic        tr_req_valid,
  output logic        tr_req_ready,
  input  logic [15:0] tr_req_tag,
  input  logic [23:0] tr_req_did,
  input  logic        tr_req_pv,
  input  logic [19:0] tr_req_pid,
  input  logic [63:0] tr_req_iova,
  input  logic [5:0]  tr_req_ttyp,
  input  logic        tr_req_priv,
  input  logic        tr_req_nw,
  input  logic        tr_req_exe,
  output logic        tr_cpl_valid,
  input  logic        tr_cpl_ready,
  output logic [15:0] tr_cpl_tag,
  output logic [1:0]  tr_cpl_status,
  output logic [11:0] tr_cpl_cause,
  output logic [63:0] tr_cpl_pa,
  output logic        tr_cpl_r,
  output logic        tr_cpl_w,
  output logic        tr_cpl_x,
  output logic        tr_cpl_u,
  output logic        tr_cpl_g,
  output logic [1:0]  tr_cpl_pbmt,
  output logic        tr_cpl_s,
  output logic        mem_req_valid,
  input  logic        mem_req_ready,
  output logic [1:0]  mem_req_op,
  output logic [63:0] mem_req_addr,
  output logic [63:0] mem_req_wdata,
  output logic [7:0]  mem_req_wstrb,
  input  logic        mem_rsp_valid,
  input  logic [63:0] mem_rsp_rdata,
  input  logic [1:0]  mem_rsp_err,
  output logic [15:0] irq,
  output logic        idle
);

  // capabilities (spec: capabilities register): version 1.0, IGS = WSI, no ATS/HPM/DBG.
  localparam logic [63:0] CAPS =
      64'h10
    | (64'(CAP_SV39)   << 9)  | (64'(CAP_SV48)   << 10)
    | (64'(CAP_SV39X4) << 17) | (64'(CAP_SV48X4) << 18)
    | (64'(MSI_FLAT)   << 22) | (64'(AMO_HWAD)   << 24)
    | (64'd1 << 28)                         // IGS = WSI
    | (64'(PAS) << 32)
    | (64'(CAP_PD8) << 38) | (64'(CAP_PD17) << 39) | (64'(CAP_PD20) << 40);

  logic [3:0]  ddtp_mode;
  logic [43:0] ddtp_ppn;
  logic        ddtp_written;
  logic [4:0]  cq_log2m1, fq_log2m1;
  logic [43:0] cq_ppn, fq_ppn;
  logic [31:0] cqh, cqt, fqh, fqt;
  logic        cq_on, cq_stalled, fq_on, fq_err;

  assign reg_req_ready = 1'b1;

  iommu_regfile #(.CAPS(CAPS), .PAS(PAS)) u_regs (
    .clk, .rst_n, .mutant,
    .req_valid(reg_req_valid), .req_write(reg_req_write), .req_offset(reg_req_offset),
    .req_size8(reg_req_size8), .req_wdata(reg_req_wdata),
    .rsp_valid(reg_rsp_valid), .rsp_rdata(reg_rsp_rdata),
    .ddtp_mode, .ddtp_ppn, .ddtp_written,
    .cq_log2m1, .cq_ppn, .cqh, .cqt, .cq_on, .cq_stalled,
    .fq_log2m1, .fq_ppn, .fqh, .fqt, .fq_on, .fq_err,
    .cq_head_inc(1'b0), .cq_set_ill(1'b0), .cq_set_mf(1'b0), .cq_set_fwip(1'b0),
    .fq_tail_inc(1'b0), .fq_set_of(1'b0), .fq_set_mf(1'b0),
    .irq
  );

  // Preliminary translation: Off and Bare only.
  logic busy_q;
  assign tr_req_ready = !busy_q;
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      busy_q <= 1'b0;
      tr_cpl_tag <= 16'd0; tr_cpl_status <= 2'd0; tr_cpl_cause <= 12'd0; tr_cpl_pa <= 64'd0;
    end else if (tr_req_valid && tr_req_ready) begin
      busy_q <= 1'b1;
      tr_cpl_tag <= tr_req_tag;
      tr_cpl_pa <= 64'd0;
      if (ddtp_mode == MODE_OFF) begin
        tr_cpl_status <= 2'd1; tr_cpl_cause <= C_ALL_DISALLOW;
      end else if (ddtp_mode == MODE_BARE && tr_req_ttyp <= TT_UT_WRITE) begin
        tr_cpl_status <= 2'd0; tr_cpl_cause <= 12'd0; tr_cpl_pa <= tr_req_iova;
      end else begin
        tr_cpl_status <= 2'd1; tr_cpl_cause <= C_TTYP_DISALLOW;
      end
    end else if (tr_cpl_valid && tr_cpl_ready) begin
      busy_q <= 1'b0;
    end
  end
  assign tr_cpl_valid = busy_q;
  assign {tr_cpl_r, tr_cpl_w, tr_cpl_x, tr_cpl_u, tr_cpl_g, tr_cpl_s} = '0;
  assign tr_cpl_pbmt = 2'd0;

  assign mem_req_valid = 1'b0;
  assign mem_req_op = MOP_READ;
  assign mem_req_addr = 64'd0;
  assign mem_req_wdata = 64'd0;
  assign mem_req_wstrb = 8'd0;
  assign idle = !busy_q;

  logic unused;
  assign unused = ^{ddtp_ppn, ddtp_written, cq_log2m1, fq_log2m1, cq_ppn, fq_ppn, cqh, cqt,
                    fqh, fqt, cq_on, cq_stalled, fq_on, fq_err, tr_req_did, tr_req_pv,
                    tr_req_pid, tr_req_priv, tr_req_nw, tr_req_exe, mem_req_ready,
                    mem_rsp_valid, mem_rsp_rdata, mem_rsp_err};
endmodule
