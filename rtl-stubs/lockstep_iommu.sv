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
  parameter bit CAP_ATS    = 1'b1,
  parameter bit CAP_T2GPA  = 1'b1,
  parameter bit CAP_PD8    = 1'b1,
  parameter bit CAP_PD17   = 1'b1,
  parameter bit CAP_PD20   = 1'b1,
  parameter int unsigned PAS = 56,
  parameter int TLB_N = 8,        // IOTLB entries
  parameter int DDTC_N = 4        // DDT cache entries
) (
  input  logic        clk,
  input  logic        rst_n,
  input  logic [31:0]  mutant,
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
  input  logic        tr_req_cxl,     // ATS: the endpoint is a CXL type 1/2 device (Root Port's indication)
  // inbound PCIe Page Request message (ATS/PRI)
  input  logic        pr_req_valid,
  output logic        pr_req_ready,
  input  logic [23:0] pr_req_did,
  input  logic        pr_req_pv,
  input  logic [19:0] pr_req_pid,
  input  logic        pr_req_priv,
  input  logic        pr_req_exec,
  input  logic        pr_req_dsv,     // the message has a valid destination segment, device_id[23:16]
  input  logic [63:0] pr_req_payload,
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
  output logic        tr_cpl_priv,
  output logic        tr_cpl_cxl_io,
  output logic        msg_valid,
  input  logic        msg_ready,
  output logic        msg_prgr,
  output logic [15:0] msg_rid,
  output logic        msg_dsv,
  output logic [7:0]  msg_dseg,
  output logic        msg_pv,
  output logic [19:0] msg_pid,
  output logic [63:0] msg_payload,
  input  logic        ats_inv_cpl_valid,
  output logic        mem_req_valid,
  input  logic        mem_req_ready,
  output logic [1:0]  mem_req_op,
  output logic [63:0] mem_req_addr,
  output logic [63:0] mem_req_wdata,
  output logic [7:0]  mem_req_wstrb,
  output logic [1:0]  mem_req_src,
  output logic [3:0]  mem_req_words,
  input  logic        mem_rsp_valid,
  input  logic [63:0] mem_rsp_rdata,
  input  logic [1:0]  mem_rsp_err,
  output logic [15:0] irq,
  output logic        idle
);

  // capabilities (spec: capabilities register): version 1.0, ATS, T2GPA, IGS = WSI, no HPM/DBG.
  localparam logic [63:0] CAPS =
      64'h10
    | (64'(CAP_SV39)   << 9)  | (64'(CAP_SV48)   << 10)
    | (64'(CAP_SV39X4) << 17) | (64'(CAP_SV48X4) << 18)
    | (64'(MSI_FLAT)   << 22) | (64'(AMO_HWAD)   << 24) | (64'(CAP_ATS) << 25)
    | (64'(CAP_ATS && CAP_T2GPA) << 26)
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
  logic        cq_head_inc, cq_set_ill, cq_set_mf, cq_set_fwip;
  logic        fq_tail_inc, fq_set_of, fq_set_mf;

  assign reg_req_ready = 1'b1;

  // ---------------- register file ----------------
  iommu_regfile #(.CAPS(CAPS), .PAS(PAS)) u_regs (
    .clk, .rst_n, .mutant,
    .req_valid(reg_req_valid), .req_write(reg_req_write), .req_offset(reg_req_offset),
    .req_size8(reg_req_size8), .req_wdata(reg_req_wdata),
    .rsp_valid(reg_rsp_valid), .rsp_rdata(reg_rsp_rdata),
    .ddtp_mode, .ddtp_ppn, .ddtp_written,
    .cq_log2m1, .cq_ppn, .cqh, .cqt, .cq_on, .cq_stalled,
    .fq_log2m1, .fq_ppn, .fqh, .fqt, .fq_on, .fq_err,
    .cq_head_inc, .cq_set_ill, .cq_set_mf, .cq_set_fwip,
    .fq_tail_inc, .fq_set_of, .fq_set_mf,
    .pq_log2m1, .pq_ppn, .pqh, .pqt, .pq_on, .pq_mf, .pq_of,
    .pq_tail_inc, .pq_set_of, .pq_set_mf,
    .irq
  );

  // ---------------- memory arbiter: 0 translation, 1 fault queue, 2 command queue, 3 PQ ----
  logic [3:0]  c_req_valid, c_req_ready, c_rsp_valid;
  logic [1:0]  c_req_op    [4];
  logic [63:0] c_req_addr  [4];
  logic [63:0] c_req_wdata [4];
  logic [7:0]  c_req_wstrb [4];
  logic [3:0]  c_req_words [4];
  logic [63:0] c_rsp_rdata;
  logic [1:0]  c_rsp_err;
  logic        arb_busy;

  iommu_mem_arb #(.N(4)) u_arb (
    .clk, .rst_n,
    .c_req_valid, .c_req_ready, .c_req_op, .c_req_addr, .c_req_wdata, .c_req_wstrb, .c_req_words,
    .c_rsp_valid, .c_rsp_rdata, .c_rsp_err,
    .mem_req_valid, .mem_req_ready, .mem_req_op, .mem_req_addr, .mem_req_wdata, .mem_req_wstrb,
    .mem_req_src, .mem_req_words, .mem_rsp_valid, .mem_rsp_rdata, .mem_rsp_err, .busy(arb_busy)
  );

  // ---------------- translation ----------------
  logic        rec_valid, rec_ready, rec_pv, rec_priv;
  logic [11:0] rec_cause;
  logic [5:0]  rec_ttyp;
  logic [23:0] rec_did;
  logic [19:0] rec_pid;
  logic [63:0] rec_iotval, rec_iotval2;
  logic        tlb_inv, tlb_gvma, tlb_av, tlb_pscv, tlb_gv, ddt_inv, ddt_dv;
  logic [19:0] tlb_pscid;
  logic [15:0] tlb_gscid;
  logic [51:0] tlb_vpn;
  logic [23:0] ddt_did;
  logic        xl_busy, fq_busy, cq_busy, pq_busy;
  logic        cq_msg_valid, cq_msg_ready, cq_msg_prgr, cq_msg_dsv, cq_msg_pv;
  logic [15:0] cq_msg_rid;
  logic [7:0]  cq_msg_dseg;
  logic [19:0] cq_msg_pid;
  logic [63:0] cq_msg_payload;
  logic [4:0]  pq_log2m1;
  logic [43:0] pq_ppn;
  logic [31:0] pqh, pqt;
  logic        pq_on, pq_mf, pq_of, pq_tail_inc, pq_set_of, pq_set_mf;
  logic        prq_valid, prq_ready, prq_admit, prq_prpr, prq_pv, prq_priv, prq_exec, prq_dsv;
  logic [3:0]  prq_code;
  logic [23:0] prq_did;
  logic [19:0] prq_pid;
  logic [63:0] prq_payload;

  iommu_xlate #(.MSI_FLAT(MSI_FLAT), .AMO_HWAD(AMO_HWAD), .CAP_ATS(CAP_ATS),
                .CAP_T2GPA(CAP_ATS && CAP_T2GPA), .CAP_SV39(CAP_SV39),
                .CAP_SV48(CAP_SV48), .CAP_SV39X4(CAP_SV39X4), .CAP_SV48X4(CAP_SV48X4),
                .CAP_PD8(CAP_PD8), .CAP_PD17(CAP_PD17), .CAP_PD20(CAP_PD20), .PAS(PAS),
                .TLB_N(TLB_N), .DDTC_N(DDTC_N))
  u_xlate (
    .clk, .rst_n, .mutant, .ddtp_mode, .ddtp_ppn, .ddtp_written,
    .req_valid(tr_req_valid), .req_ready(tr_req_ready), .req_tag(tr_req_tag),
    .req_did(tr_req_did), .req_pv(tr_req_pv), .req_pid(tr_req_pid), .req_iova(tr_req_iova),
    .req_ttyp(tr_req_ttyp), .req_priv(tr_req_priv), .req_nw(tr_req_nw), .req_exe(tr_req_exe),
    .req_cxl(tr_req_cxl),
    .pr_req_valid(CAP_ATS && pr_req_valid), .pr_req_ready, .pr_req_did, .pr_req_pv, .pr_req_pid,
    .pr_req_priv, .pr_req_exec, .pr_req_dsv, .pr_req_payload,
    .prq_valid, .prq_ready, .prq_admit, .prq_code, .prq_prpr, .prq_did, .prq_pv, .prq_pid,
    .prq_priv, .prq_exec, .prq_dsv, .prq_payload,
    .cpl_valid(tr_cpl_valid), .cpl_ready(tr_cpl_ready), .cpl_tag(tr_cpl_tag),
    .cpl_status(tr_cpl_status), .cpl_cause(tr_cpl_cause), .cpl_pa(tr_cpl_pa),
    .cpl_r(tr_cpl_r), .cpl_w(tr_cpl_w), .cpl_x(tr_cpl_x), .cpl_u(tr_cpl_u), .cpl_g(tr_cpl_g),
    .cpl_s(tr_cpl_s), .cpl_priv(tr_cpl_priv), .cpl_cxl_io(tr_cpl_cxl_io),
    .rec_valid, .rec_ready, .rec_cause, .rec_ttyp, .rec_did, .rec_pv, .rec_pid, .rec_priv,
    .rec_iotval, .rec_iotval2,
    .tlb_inv, .tlb_gvma, .tlb_av, .tlb_pscv, .tlb_gv, .tlb_pscid, .tlb_gscid, .tlb_vpn,
    .ddt_inv, .ddt_dv, .ddt_did,
    .m_req_valid(c_req_valid[0]), .m_req_ready(c_req_ready[0]), .m_req_op(c_req_op[0]),
    .m_req_addr(c_req_addr[0]), .m_req_wdata(c_req_wdata[0]), .m_req_words(c_req_words[0]),
    .m_rsp_valid(c_rsp_valid[0]), .m_rsp_rdata(c_rsp_rdata), .m_rsp_err(c_rsp_err),
    .busy(xl_busy)
  );
  assign c_req_wstrb[0] = 8'hFF;

  // No Svpbmt: the resolved PBMT is always PMA.
  assign tr_cpl_pbmt = 2'd0;

  // ---------------- fault queue ----------------
  iommu_fault_queue u_fq (
    .clk, .rst_n, .mutant,
    .rec_valid, .rec_ready, .rec_cause, .rec_ttyp, .rec_did, .rec_pv, .rec_pid, .rec_priv,
    .rec_iotval, .rec_iotval2,
    .fq_on, .fq_err, .fq_log2m1, .fq_ppn, .fqh, .fqt,
    .tail_inc(fq_tail_inc), .set_of(fq_set_of), .set_mf(fq_set_mf),
    .m_req_valid(c_req_valid[1]), .m_req_ready(c_req_ready[1]), .m_req_addr(c_req_addr[1]),
    .m_req_wdata(c_req_wdata[1]), .m_rsp_valid(c_rsp_valid[1]), .m_rsp_err(c_rsp_err),
    .busy(fq_busy)
  );
  assign c_req_op[1] = MOP_WRITE;
  assign c_req_wstrb[1] = 8'hFF;
  assign c_req_words[1] = 4'd1;

  // ---------------- command queue ----------------
  iommu_cmd_queue #(.CAP_ATS(CAP_ATS)) u_cq (
    .clk, .rst_n, .mutant,
    .cq_on, .cq_stalled, .cq_log2m1, .cq_ppn, .cqh, .cqt, .ddtp_mode,
    .xlate_idle(!xl_busy && !tr_req_valid),
    .msg_valid(cq_msg_valid), .msg_ready(cq_msg_ready), .msg_prgr(cq_msg_prgr), .msg_rid(cq_msg_rid),
    .msg_dsv(cq_msg_dsv), .msg_dseg(cq_msg_dseg), .msg_pv(cq_msg_pv), .msg_pid(cq_msg_pid),
    .msg_payload(cq_msg_payload), .inv_cpl(ats_inv_cpl_valid),
    .head_inc(cq_head_inc), .set_ill(cq_set_ill), .set_mf(cq_set_mf), .set_fwip(cq_set_fwip),
    .tlb_inv, .tlb_gvma, .tlb_av, .tlb_pscv, .tlb_gv, .tlb_pscid, .tlb_gscid, .tlb_vpn,
    .ddt_inv, .ddt_dv, .ddt_did,
    .m_req_valid(c_req_valid[2]), .m_req_ready(c_req_ready[2]), .m_req_op(c_req_op[2]),
    .m_req_addr(c_req_addr[2]), .m_req_wdata(c_req_wdata[2]), .m_req_wstrb(c_req_wstrb[2]),
    .m_req_words(c_req_words[2]),
    .m_rsp_valid(c_rsp_valid[2]), .m_rsp_rdata(c_rsp_rdata), .m_rsp_err(c_rsp_err),
    .busy(cq_busy)
  );

  // ---------------- page-request queue ----------------
  logic        pq_rsp_valid, pq_rsp_ready, pq_rsp_pv, pq_rsp_dsv;
  logic [15:0] pq_rsp_rid;
  logic [7:0]  pq_rsp_dseg;
  logic [19:0] pq_rsp_pid;
  logic [63:0] pq_rsp_payload;
  iommu_page_req_queue u_pq (
    .clk, .rst_n, .mutant,
    .pr_valid(prq_valid), .pr_ready(prq_ready), .pr_admit(prq_admit), .pr_code(prq_code),
    .pr_prpr(prq_prpr), .pr_did(prq_did), .pr_pv(prq_pv), .pr_pid(prq_pid), .pr_priv(prq_priv),
    .pr_exec(prq_exec), .pr_dsv(prq_dsv), .pr_payload(prq_payload),
    .pq_on, .pq_mf, .pq_of, .pq_log2m1, .pq_ppn, .pqh, .pqt,
    .tail_inc(pq_tail_inc), .set_of(pq_set_of), .set_mf(pq_set_mf),
    .rsp_valid(pq_rsp_valid), .rsp_ready(pq_rsp_ready), .rsp_rid(pq_rsp_rid), .rsp_dsv(pq_rsp_dsv), .rsp_dseg(pq_rsp_dseg),
    .rsp_pv(pq_rsp_pv), .rsp_pid(pq_rsp_pid), .rsp_payload(pq_rsp_payload),
    .m_req_valid(c_req_valid[3]), .m_req_ready(c_req_ready[3]), .m_req_addr(c_req_addr[3]),
    .m_req_wdata(c_req_wdata[3]), .m_rsp_valid(c_rsp_valid[3]), .m_rsp_err(c_rsp_err),
    .busy(pq_busy)
  );
  assign c_req_op[3] = MOP_WRITE;
  assign c_req_wstrb[3] = 8'hFF;
  assign c_req_words[3] = 4'd1;

  // ---------------- outbound messages: the command queue first, then automatic responses ----
  assign msg_valid    = cq_msg_valid || pq_rsp_valid;
  assign cq_msg_ready = msg_ready;
  assign pq_rsp_ready = msg_ready && !cq_msg_valid;
  assign msg_prgr     = cq_msg_valid ? cq_msg_prgr : 1'b1;
  assign msg_rid      = cq_msg_valid ? cq_msg_rid : pq_rsp_rid;
  assign msg_dsv      = cq_msg_valid ? cq_msg_dsv : pq_rsp_dsv;
  assign msg_dseg     = cq_msg_valid ? cq_msg_dseg : pq_rsp_dseg;
  assign msg_pv       = cq_msg_valid ? cq_msg_pv : pq_rsp_pv;
  assign msg_pid      = cq_msg_valid ? cq_msg_pid : pq_rsp_pid;
  assign msg_payload  = cq_msg_valid ? cq_msg_payload : pq_rsp_payload;

  assign idle = !xl_busy && !fq_busy && !cq_busy && !pq_busy && !arb_busy && !tr_req_valid &&
                !tr_cpl_valid && !pr_req_valid;

  logic unused;
  assign unused = ^{cq_log2m1 & 5'd0};
endmodule
