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
  parameter bit AD_CAS     = 1'b1,   // A/D updates as compare and swap on mem_req_cmp (iommu_pt_walk)
  parameter bit CAP_ATS    = 1'b1,
  parameter bit CAP_T2GPA  = 1'b1,
  parameter bit CAP_PD8    = 1'b1,
  parameter bit CAP_PD17   = 1'b1,
  parameter bit CAP_PD20   = 1'b1,
  parameter int unsigned PAS = 56,
  parameter int TLB_N = 8,        // IOTLB entries
  parameter int DDTC_N = 4,       // DDT cache entries
  // Translations in flight: one walker each, with its own IOTLB and DDT cache (TLB_N, DDTC_N
  // entries each). A new request goes to the lowest-numbered idle walker, so one request at a time
  // always takes walker 0 (exactly the single-walker DUT); 1 = one translation at a time.
  parameter int XLATE_N = 2
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
  output logic [63:0] mem_req_cmp,   // MOP_CAS: write mem_req_wdata only if the doubleword equals this
  output logic [7:0]  mem_req_wstrb,
  output logic [1:0]  mem_req_src,
  output logic [3:0]  mem_req_words,
  input  logic        mem_rsp_valid,
  input  logic [63:0] mem_rsp_rdata,
  input  logic [1:0]  mem_rsp_err,
  output logic [15:0] irq,
  output logic [31:0] cq_head,    // cqh, for the harness's LOCKSTEP_EV_CQ_HEAD events (ABI 6)
  output logic [31:0] fq_tail,    // fqt and pqt, for the harness's LOCKSTEP_EV_QUEUE_TAIL events (ABI 7)
  output logic [31:0] pq_tail,
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
  logic        fq_tail_inc, fq_tail_dec, fq_rec_done, fq_set_of, fq_set_mf, fq_rec_busy;

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
    .fq_tail_inc, .fq_tail_dec, .fq_rec_done, .fq_set_of, .fq_set_mf, .fq_rec_busy,
    .pq_log2m1, .pq_ppn, .pqh, .pqt, .pq_on, .pq_mf, .pq_of,
    .pq_tail_inc, .pq_set_of, .pq_set_mf, .pq_rec_busy,
    .irq
  );

  // ---------------- memory arbiter: walkers 0..XLATE_N-1, fault queue, command queue, PQ ----
  localparam int NC = XLATE_N + 3;
  localparam int C_FQ = XLATE_N, C_CQ = XLATE_N + 1, C_PQ = XLATE_N + 2;
  logic [NC-1:0] c_req_valid, c_req_ready, c_rsp_valid;
  logic [1:0]  c_req_op    [NC];
  logic [63:0] c_req_addr  [NC];
  logic [63:0] c_req_wdata [NC];
  logic [63:0] c_req_cmp   [NC];
  logic [7:0]  c_req_wstrb [NC];
  logic [3:0]  c_req_words [NC];
  logic [63:0] c_rsp_rdata;
  logic [1:0]  c_rsp_err;
  logic        arb_busy;

  iommu_mem_arb #(.N(NC), .W(XLATE_N), .FIXED(NC'(1) << C_FQ | NC'(1) << C_PQ)) u_arb (
    .clk, .rst_n,
    .c_req_valid, .c_req_ready, .c_req_op, .c_req_addr, .c_req_wdata, .c_req_cmp, .c_req_wstrb, .c_req_words,
    .c_rsp_valid, .c_rsp_rdata, .c_rsp_err,
    .mem_req_valid, .mem_req_ready, .mem_req_op, .mem_req_addr, .mem_req_wdata, .mem_req_cmp, .mem_req_wstrb,
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
  logic [XLATE_N-1:0] xl_busy;
  logic        fq_busy, cq_busy, pq_busy;
  logic        cq_msg_valid, cq_msg_ready, cq_msg_prgr, cq_msg_dsv, cq_msg_pv;
  logic [15:0] cq_msg_rid;
  logic [7:0]  cq_msg_dseg;
  logic [19:0] cq_msg_pid;
  logic [63:0] cq_msg_payload;
  logic [4:0]  pq_log2m1;
  logic [43:0] pq_ppn;
  logic [31:0] pqh, pqt;
  logic        pq_on, pq_mf, pq_of, pq_tail_inc, pq_set_of, pq_set_mf, pq_rec_busy;
  logic        prq_valid, prq_ready, prq_admit, prq_prpr, prq_pv, prq_priv, prq_exec, prq_dsv;
  logic [3:0]  prq_code;
  logic [23:0] prq_did;
  logic [19:0] prq_pid;
  logic [63:0] prq_payload;

  // Per walker: request in, completion and fault record out. Walkers complete in any order, each
  // completion with its own request's tag; fault records go to the fault queue one whole record
  // at a time (a walker holds its record until the queue takes it). Page Request messages are
  // handled by walker 0 only, so they reach the page-request queue in arrival order.
  localparam int WI = (XLATE_N > 1) ? $clog2(XLATE_N) : 1;
  logic [XLATE_N-1:0] w_req_valid, w_req_ready, w_cpl_valid, w_cpl_ready, w_rec_valid, w_rec_ready;
  logic [15:0] w_cpl_tag    [XLATE_N];
  logic [1:0]  w_cpl_status [XLATE_N];
  logic [11:0] w_cpl_cause  [XLATE_N];
  logic [63:0] w_cpl_pa     [XLATE_N];
  logic [XLATE_N-1:0] w_cpl_r, w_cpl_w, w_cpl_x, w_cpl_u, w_cpl_g, w_cpl_s, w_cpl_priv, w_cpl_cxl_io;
  logic [11:0] w_rec_cause   [XLATE_N];
  logic [5:0]  w_rec_ttyp    [XLATE_N];
  logic [23:0] w_rec_did     [XLATE_N];
  logic [XLATE_N-1:0] w_rec_pv, w_rec_priv;
  logic [19:0] w_rec_pid     [XLATE_N];
  logic [63:0] w_rec_iotval  [XLATE_N];
  logic [63:0] w_rec_iotval2 [XLATE_N];
  logic [XLATE_N-1:0] w_pr_ready, w_prq_valid, w_prq_admit, w_prq_prpr, w_prq_pv, w_prq_priv,
                      w_prq_exec, w_prq_dsv;
  logic [3:0]  w_prq_code    [XLATE_N];
  logic [23:0] w_prq_did     [XLATE_N];
  logic [19:0] w_prq_pid     [XLATE_N];
  logic [63:0] w_prq_payload [XLATE_N];
  logic [WI-1:0] req_sel, cpl_sel, rec_sel;

  // lowest-numbered idle walker takes the request; lowest-numbered ready completion / record
  always_comb begin
    req_sel = '0; cpl_sel = '0; rec_sel = '0;
    for (int k = XLATE_N - 1; k >= 0; k--) begin
      if (w_req_ready[k]) req_sel = WI'(k);
      if (w_cpl_valid[k]) cpl_sel = WI'(k);
      if (w_rec_valid[k]) rec_sel = WI'(k);
    end
  end
  // The highest-numbered ready completion / record other than the one selected (the selected one when
  // alone): only the planted bugs M_OVL_CPL_TAG_SWAP, M_OVL_CPL_PA_SWAP and M_OVL_REC_MIXED use them.
  logic [WI-1:0] cpl_other, rec_other;
  always_comb begin
    cpl_other = cpl_sel;
    rec_other = rec_sel;
    for (int k = 0; k < XLATE_N; k++) begin
      if (w_cpl_valid[k] && WI'(k) != cpl_sel) cpl_other = WI'(k);
      if (w_rec_valid[k] && WI'(k) != rec_sel) rec_other = WI'(k);
    end
  end
  // BUG (mutant M_OVL_MISS_MERGE): a request identical to one a walker is translating joins that walk
  logic          mm_merge, mm_cpl_valid, mm_busy;
  logic [101:0]  mm_cpl, wk_cpl;
  assign tr_req_ready = |w_req_ready || mm_merge;
  always_comb begin
    w_req_valid = '0; w_cpl_ready = '0; w_rec_ready = '0;
    w_req_valid[req_sel] = tr_req_valid && w_req_ready[req_sel] && !mm_merge;
    w_cpl_ready[cpl_sel] = tr_cpl_ready && !mm_cpl_valid;
    w_rec_ready[rec_sel] = rec_ready;
    // BUG (mutant): the arbiter acknowledges every ready completion / record, sending only the selected one
    if (mutant_on(mutant, M_OVL_CPL_DROPPED)) w_cpl_ready = w_cpl_valid & {XLATE_N{tr_cpl_ready && !mm_cpl_valid}};
    if (mutant_on(mutant, M_OVL_REC_DROPPED)) w_rec_ready = w_rec_valid & {XLATE_N{rec_ready}};
  end
  assign tr_cpl_valid  = |w_cpl_valid || mm_cpl_valid;
  // The walkers' completion on the port: tag, status, cause, pa, R W X U G S Priv CXL.io.
  // BUG (mutant): with two completions ready, the one sent carries the other's tag
  // BUG (mutant): with two completions ready, the PA comes from the other one (its tag from the selected one)
  assign wk_cpl = {mutant_on(mutant, M_OVL_CPL_TAG_SWAP) ? w_cpl_tag[cpl_other] : w_cpl_tag[cpl_sel],
                   w_cpl_status[cpl_sel], w_cpl_cause[cpl_sel],
                   mutant_on(mutant, M_OVL_CPL_PA_SWAP) ? w_cpl_pa[cpl_other] : w_cpl_pa[cpl_sel],
                   w_cpl_r[cpl_sel], w_cpl_w[cpl_sel], w_cpl_x[cpl_sel], w_cpl_u[cpl_sel], w_cpl_g[cpl_sel],
                   w_cpl_s[cpl_sel], w_cpl_priv[cpl_sel], w_cpl_cxl_io[cpl_sel]};
  assign {tr_cpl_tag, tr_cpl_status, tr_cpl_cause, tr_cpl_pa, tr_cpl_r, tr_cpl_w, tr_cpl_x, tr_cpl_u, tr_cpl_g,
          tr_cpl_s, tr_cpl_priv, tr_cpl_cxl_io} = mm_cpl_valid ? mm_cpl : wk_cpl;
  iommu_miss_merge #(.XLATE_N(XLATE_N), .WI(WI)) u_miss_merge (
    .clk, .rst_n, .enable(mutant_on(mutant, M_OVL_MISS_MERGE)), .req_valid(tr_req_valid),
    .req_key({tr_req_did, tr_req_pv, tr_req_pid, tr_req_priv, tr_req_ttyp, tr_req_iova, tr_req_nw, tr_req_exe,
              tr_req_cxl}),
    .req_tag(tr_req_tag), .w_take(w_req_valid & w_req_ready), .w_done(w_cpl_valid & w_cpl_ready), .w_fields(wk_cpl[85:0]),
    .merge(mm_merge), .cpl_valid(mm_cpl_valid), .cpl_ready(tr_cpl_ready), .cpl(mm_cpl), .busy(mm_busy));
  assign rec_valid   = |w_rec_valid;
  assign rec_cause   = w_rec_cause[rec_sel];
  assign rec_ttyp    = w_rec_ttyp[rec_sel];
  assign rec_did     = w_rec_did[rec_sel];
  assign rec_pv      = w_rec_pv[rec_sel];
  assign rec_pid     = w_rec_pid[rec_sel];
  assign rec_priv    = w_rec_priv[rec_sel];
  // BUG (mutant): with two fault records ready, iotval is taken from the other one
  assign rec_iotval  = mutant_on(mutant, M_OVL_REC_MIXED) ? w_rec_iotval[rec_other] : w_rec_iotval[rec_sel];
  assign rec_iotval2 = w_rec_iotval2[rec_sel];
  assign pr_req_ready = w_pr_ready[0];
  assign prq_valid   = w_prq_valid[0];
  assign prq_admit   = w_prq_admit[0];
  assign prq_code    = w_prq_code[0];
  assign prq_prpr    = w_prq_prpr[0];
  assign prq_did     = w_prq_did[0];
  assign prq_pv      = w_prq_pv[0];
  assign prq_pid     = w_prq_pid[0];
  assign prq_priv    = w_prq_priv[0];
  assign prq_exec    = w_prq_exec[0];
  assign prq_dsv     = w_prq_dsv[0];
  assign prq_payload = w_prq_payload[0];

  for (genvar k = 0; k < XLATE_N; k++) begin : g_walker
    iommu_xlate #(.MSI_FLAT(MSI_FLAT), .AMO_HWAD(AMO_HWAD), .AD_CAS(AD_CAS), .CAP_ATS(CAP_ATS),
                  .CAP_T2GPA(CAP_ATS && CAP_T2GPA), .CAP_SV39(CAP_SV39),
                  .CAP_SV48(CAP_SV48), .CAP_SV39X4(CAP_SV39X4), .CAP_SV48X4(CAP_SV48X4),
                  .CAP_PD8(CAP_PD8), .CAP_PD17(CAP_PD17), .CAP_PD20(CAP_PD20), .PAS(PAS),
                  .TLB_N(TLB_N), .DDTC_N(DDTC_N))
    u_xlate (
      .clk, .rst_n, .mutant, .ddtp_mode, .ddtp_ppn, .ddtp_written,
      .req_valid(w_req_valid[k]), .req_ready(w_req_ready[k]), .req_tag(tr_req_tag),
      .req_did(tr_req_did), .req_pv(tr_req_pv), .req_pid(tr_req_pid), .req_iova(tr_req_iova),
      .req_ttyp(tr_req_ttyp), .req_priv(tr_req_priv), .req_nw(tr_req_nw), .req_exe(tr_req_exe),
      .req_cxl(tr_req_cxl),
      .pr_req_valid(k == 0 && CAP_ATS && pr_req_valid), .pr_req_ready(w_pr_ready[k]), .pr_req_did,
      .pr_req_pv, .pr_req_pid, .pr_req_priv, .pr_req_exec, .pr_req_dsv, .pr_req_payload,
      .prq_valid(w_prq_valid[k]), .prq_ready(k == 0 && prq_ready), .prq_admit(w_prq_admit[k]),
      .prq_code(w_prq_code[k]), .prq_prpr(w_prq_prpr[k]), .prq_did(w_prq_did[k]),
      .prq_pv(w_prq_pv[k]), .prq_pid(w_prq_pid[k]), .prq_priv(w_prq_priv[k]),
      .prq_exec(w_prq_exec[k]), .prq_dsv(w_prq_dsv[k]), .prq_payload(w_prq_payload[k]),
      .cpl_valid(w_cpl_valid[k]), .cpl_ready(w_cpl_ready[k]), .cpl_tag(w_cpl_tag[k]),
      .cpl_status(w_cpl_status[k]), .cpl_cause(w_cpl_cause[k]), .cpl_pa(w_cpl_pa[k]),
      .cpl_r(w_cpl_r[k]), .cpl_w(w_cpl_w[k]), .cpl_x(w_cpl_x[k]), .cpl_u(w_cpl_u[k]),
      .cpl_g(w_cpl_g[k]), .cpl_s(w_cpl_s[k]), .cpl_priv(w_cpl_priv[k]), .cpl_cxl_io(w_cpl_cxl_io[k]),
      .rec_valid(w_rec_valid[k]), .rec_ready(w_rec_ready[k]), .rec_cause(w_rec_cause[k]),
      .rec_ttyp(w_rec_ttyp[k]), .rec_did(w_rec_did[k]), .rec_pv(w_rec_pv[k]),
      .rec_pid(w_rec_pid[k]), .rec_priv(w_rec_priv[k]), .rec_iotval(w_rec_iotval[k]),
      .rec_iotval2(w_rec_iotval2[k]),
      // BUG (mutant): an IOTINVAL reaches only the walkers idle when it executes
      .tlb_inv(tlb_inv && !(mutant_on(mutant, M_OVL_INVAL_BUSY_WALKER) && xl_busy[k])), .tlb_gvma, .tlb_av, .tlb_pscv, .tlb_gv, .tlb_pscid, .tlb_gscid, .tlb_vpn,
      .ddt_inv, .ddt_dv, .ddt_did,
      .m_req_valid(c_req_valid[k]), .m_req_ready(c_req_ready[k]), .m_req_op(c_req_op[k]),
      .m_req_addr(c_req_addr[k]), .m_req_wdata(c_req_wdata[k]), .m_req_cmp(c_req_cmp[k]), .m_req_words(c_req_words[k]),
      .m_rsp_valid(c_rsp_valid[k]), .m_rsp_rdata(c_rsp_rdata), .m_rsp_err(c_rsp_err),
      .busy(xl_busy[k])
    );
    assign c_req_wstrb[k] = 8'hFF;
  end

  // No Svpbmt: the resolved PBMT is always PMA.
  assign tr_cpl_pbmt = 2'd0;

  // ---------------- fault queue ----------------
  iommu_fault_queue u_fq (
    .clk, .rst_n, .mutant,
    .rec_valid, .rec_ready, .rec_cause, .rec_ttyp, .rec_did, .rec_pv, .rec_pid, .rec_priv,
    .rec_iotval, .rec_iotval2,
    .fq_on, .fq_err, .fq_log2m1, .fq_ppn, .fqh, .fqt,
    .tail_inc(fq_tail_inc), .tail_dec(fq_tail_dec), .rec_done(fq_rec_done), .set_of(fq_set_of), .set_mf(fq_set_mf),
    .m_req_valid(c_req_valid[C_FQ]), .m_req_ready(c_req_ready[C_FQ]), .m_req_addr(c_req_addr[C_FQ]),
    .m_req_wdata(c_req_wdata[C_FQ]), .m_rsp_valid(c_rsp_valid[C_FQ]), .m_rsp_err(c_rsp_err),
    .rec_busy(fq_rec_busy), .busy(fq_busy)
  );
  assign c_req_op[C_FQ] = MOP_WRITE;
  assign c_req_wstrb[C_FQ] = 8'hFF;
  assign c_req_cmp[C_FQ] = 64'd0;
  assign c_req_words[C_FQ] = 4'd1;

  // ---------------- command queue ----------------
  iommu_cmd_queue #(.CAP_ATS(CAP_ATS), .XLATE_N(XLATE_N)) u_cq (
    .clk, .rst_n, .mutant,
    .cq_on, .cq_stalled, .cq_log2m1, .cq_ppn, .cqh, .cqt, .ddtp_mode,
    .xlate_busy(xl_busy),
    .msg_valid(cq_msg_valid), .msg_ready(cq_msg_ready), .msg_prgr(cq_msg_prgr), .msg_rid(cq_msg_rid),
    .msg_dsv(cq_msg_dsv), .msg_dseg(cq_msg_dseg), .msg_pv(cq_msg_pv), .msg_pid(cq_msg_pid),
    .msg_payload(cq_msg_payload), .inv_cpl(ats_inv_cpl_valid),
    .head_inc(cq_head_inc), .set_ill(cq_set_ill), .set_mf(cq_set_mf), .set_fwip(cq_set_fwip),
    .tlb_inv, .tlb_gvma, .tlb_av, .tlb_pscv, .tlb_gv, .tlb_pscid, .tlb_gscid, .tlb_vpn,
    .ddt_inv, .ddt_dv, .ddt_did,
    .m_req_valid(c_req_valid[C_CQ]), .m_req_ready(c_req_ready[C_CQ]), .m_req_op(c_req_op[C_CQ]),
    .m_req_addr(c_req_addr[C_CQ]), .m_req_wdata(c_req_wdata[C_CQ]), .m_req_wstrb(c_req_wstrb[C_CQ]),
    .m_req_words(c_req_words[C_CQ]),
    .m_rsp_valid(c_rsp_valid[C_CQ]), .m_rsp_rdata(c_rsp_rdata), .m_rsp_err(c_rsp_err),
    .busy(cq_busy)
  );
  assign c_req_cmp[C_CQ] = 64'd0;

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
    .m_req_valid(c_req_valid[C_PQ]), .m_req_ready(c_req_ready[C_PQ]), .m_req_addr(c_req_addr[C_PQ]),
    .m_req_wdata(c_req_wdata[C_PQ]), .m_rsp_valid(c_rsp_valid[C_PQ]), .m_rsp_err(c_rsp_err),
    .rec_busy(pq_rec_busy), .busy(pq_busy)
  );
  assign c_req_op[C_PQ] = MOP_WRITE;
  assign c_req_wstrb[C_PQ] = 8'hFF;
  assign c_req_cmp[C_PQ] = 64'd0;
  assign c_req_words[C_PQ] = 4'd1;

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

  assign cq_head = cqh;
  assign fq_tail = fqt;
  assign pq_tail = pqt;
  assign idle = xl_busy == '0 && !fq_busy && !cq_busy && !pq_busy && !arb_busy && !tr_req_valid &&
                !tr_cpl_valid && !pr_req_valid && !mm_busy;

  logic unused;
  // walkers other than 0 never take a Page Request
  assign unused = ^{cq_log2m1 & 5'd0, w_pr_ready, w_prq_valid, w_prq_admit, w_prq_prpr, w_prq_pv,
                    w_prq_priv, w_prq_exec, w_prq_dsv} ^ ^(w_prq_code[XLATE_N - 1] & 4'd0) ^
                  ^(w_prq_did[XLATE_N - 1] & 24'd0) ^ ^(w_prq_pid[XLATE_N - 1] & 20'd0) ^
                  ^(w_prq_payload[XLATE_N - 1] & 64'd0);
endmodule
