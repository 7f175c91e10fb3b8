// iommu_xlate: the translation process (spec: iommu_data_structures.adoc, "Process to translate
// an IOVA"). One request at a time per instance (lockstep_iommu runs XLATE_N of them): mode
// checks, device context (DDT cache or DDT walk), request checks, process context (PDT walk),
// IOTLB or two-stage page walk, MSI flat translation, then
// the completion and, for a fault, the fault record (unless DC.tc.DTF suppresses it).
// Translated requests (TTYP 5-7) need DC.tc.EN_ATS; without T2GPA they carry an SPA and complete
// without translation; with DC.tc.T2GPA they carry a GPA, translated through the G stage only (first
// stage Bare, an ordinary access of the request's type, MSI translation included), bypassing the
// IOTLB. With T2GPA an ATS translation request is translated in two stages as usual but completes
// with the GPA.
// CXL.io of an ATS Success (spec: "the setting of the Priv, N, CXL.io, Global, and AMA fields"): 0
// unless the Root Port says the device is CXL type 1/2 (req_cxl); then 1 when the address was
// determined to be an MSI (a virtual interrupt file's page, also when its MSI PTE is not valid), else
// 1 when DC.tc.T2GPA=1; otherwise the memory type decides, which without Svpbmt is UNSPECIFIED: 0 here.
// Inbound PCIe "Page Request" messages (TTYP 9, iotval = message code 0x04) run steps 1-6 of the process
// (mode, device_id width, DDT walk, always from memory: the DDT cache is neither used nor filled) and
// need DC.tc.EN_PRI (else 260); a fault is recorded like any other (DTF applies once a DC is found).
// The message then goes to the page-request queue with the response code of a refusal (Invalid Request
// for 260, Response Failure otherwise). It gets no completion. PCIe ATS translation requests (TTYP 8) are translated with lenient
// permission checks and completed per "PCIe ATS translation request handling": UR (256-260), CA
// (access faults, corruption, misconfigurations) with a fault record, Success with R=W=0 and no
// record for page faults, guest-page faults, 262 and 266. They neither use nor fill the IOTLB.
module iommu_xlate
  import iommu_pkg::*;
#(
  parameter bit MSI_FLAT   = 1'b1,
  parameter bit AMO_HWAD   = 1'b1,
  parameter bit AD_CAS     = 1'b1,     // A/D updates as compare and swap (iommu_pt_walk)
  parameter bit CAP_ATS    = 1'b1,
  parameter bit CAP_T2GPA  = 1'b1,
  parameter bit CAP_SV39   = 1'b1,
  parameter bit CAP_SV48   = 1'b1,
  parameter bit CAP_SV39X4 = 1'b1,
  parameter bit CAP_SV48X4 = 1'b1,
  parameter bit CAP_PD8    = 1'b1,
  parameter bit CAP_PD17   = 1'b1,
  parameter bit CAP_PD20   = 1'b1,
  parameter int unsigned PAS = 56,
  parameter int TLB_N = 8,
  parameter int DDTC_N = 4
) (
  input  logic        clk,
  input  logic        rst_n,
  input  logic [31:0]  mutant,
  input  logic [3:0]  ddtp_mode,
  input  logic [43:0] ddtp_ppn,
  input  logic        ddtp_written,
  // request / completion
  input  logic        req_valid,
  output logic        req_ready,
  input  logic [15:0] req_tag,
  input  logic [23:0] req_did,
  input  logic        req_pv,
  input  logic [19:0] req_pid,
  input  logic [63:0] req_iova,
  input  logic [5:0]  req_ttyp,
  input  logic        req_priv,
  input  logic        req_nw,
  input  logic        req_exe,
  input  logic        req_cxl,
  // inbound Page Request messages
  input  logic        pr_req_valid,
  output logic        pr_req_ready,
  input  logic [23:0] pr_req_did,
  input  logic        pr_req_pv,
  input  logic [19:0] pr_req_pid,
  input  logic        pr_req_priv,
  input  logic        pr_req_exec,
  input  logic        pr_req_dsv,
  input  logic [63:0] pr_req_payload,
  // to the page-request queue
  output logic        prq_valid,
  input  logic        prq_ready,
  output logic        prq_admit,
  output logic [3:0]  prq_code,
  output logic        prq_prpr,
  output logic [23:0] prq_did,
  output logic        prq_pv,
  output logic [19:0] prq_pid,
  output logic        prq_priv,
  output logic        prq_exec,
  output logic        prq_dsv,
  output logic [63:0] prq_payload,
  output logic        cpl_valid,
  input  logic        cpl_ready,
  output logic [15:0] cpl_tag,
  output logic [1:0]  cpl_status,
  output logic [11:0] cpl_cause,
  output logic [63:0] cpl_pa,
  output logic        cpl_r, cpl_w, cpl_x, cpl_u, cpl_g, cpl_s, cpl_priv, cpl_cxl_io,
  // fault record to the fault queue
  output logic        rec_valid,
  input  logic        rec_ready,
  output logic [11:0] rec_cause,
  output logic [5:0]  rec_ttyp,
  output logic [23:0] rec_did,
  output logic        rec_pv,
  output logic [19:0] rec_pid,
  output logic        rec_priv,
  output logic [63:0] rec_iotval,
  output logic [63:0] rec_iotval2,
  // invalidations from the command queue
  input  logic        tlb_inv,
  input  logic        tlb_gvma,
  input  logic        tlb_av,
  input  logic        tlb_pscv,
  input  logic        tlb_gv,
  input  logic [19:0] tlb_pscid,
  input  logic [15:0] tlb_gscid,
  input  logic [51:0] tlb_vpn,
  input  logic        ddt_inv,
  input  logic        ddt_dv,
  input  logic [23:0] ddt_did,
  // memory client
  output logic        m_req_valid,
  input  logic        m_req_ready,
  output logic [1:0]  m_req_op,
  output logic [63:0] m_req_addr,
  output logic [63:0] m_req_wdata,
  output logic [63:0] m_req_cmp,
  output logic [3:0]  m_req_words,   // doublewords read from m_req_addr on, one request each
  input  logic        m_rsp_valid,
  input  logic [63:0] m_rsp_rdata,
  input  logic [1:0]  m_rsp_err,
  output logic        busy
);
  typedef enum logic [4:0] {
    X_IDLE, X_START, X_DDTW, X_DC, X_PDTW, X_PDTG, X_PC, X_TLB, X_PTW,
    X_MSI_RD0, X_MSI_RD0W, X_MSI_RD1, X_MSI_RD1W, X_MSI_CHK, X_FAULT, X_REC, X_CPL, X_PRQ
  } st_t;
  st_t st;

  // latched request
  logic [15:0] tag;
  logic [23:0] did;
  logic        pv, priv_s;
  logic [19:0] pid;
  logic [63:0] iova;
  logic [5:0]  ttyp;
  logic [1:0]  acc;
  logic        nw, exe;
  logic        is_msg, pr_exec, pr_dsv; // a Page Request message, its Execute Requested and DSV
  logic        cxl;                  // ATS: a CXL type 1/2 device
  logic        msi_addr;             // the GPA was determined to be an MSI address
  logic [63:0] pr_payload;
  logic [2:0]  perm;                 // ATS: granted {X, W, R}
  logic        glob;                 // ATS: first-stage global
  logic [2:0]  lvl;                  // ATS: range level (0 4 KiB, 1 2 MiB, 2 1 GiB, 3 512 GiB)
  // context
  logic [63:0] dc [8];
  logic        dc_valid;             // a valid DC was found (DTF applies)
  logic [3:0]  s_mode;
  logic [43:0] s_ppn;
  logic [19:0] pscid;
  logic        sum;
  // result
  logic [11:0] cause;
  logic [63:0] iotval2;
  logic [63:0] pa;
  logic [63:0] msi_gpa, msipte0;

  logic [63:0] tc, gatp, msiptp;
  assign tc = dc[0]; assign gatp = dc[1]; assign msiptp = dc[4];
  logic [3:0] g_mode;
  assign g_mode = gatp[63:60];

  // ---------------- sub-modules ----------------
  // DDT cache
  logic        dcache_hit, dcache_fill, ddt_start;
  logic [63:0] dcache_dc [8];
  // DDT walk
  logic        ddtw_done, ddtw_fault, ddtw_busy;
  logic [11:0] ddtw_cause;
  logic [63:0] ddtw_dc [8];
  logic        ddtw_req_valid;
  logic [63:0] ddtw_req_addr;
  logic [3:0]  ddtw_req_words, pdtw_req_words;
  // PDT walk
  logic        pdt_start, pdtw_done, pdtw_fault, pdtw_gfault, pdtw_busy, pdtw_gx_start;
  logic [11:0] pdtw_cause;
  logic [63:0] pdtw_ta, pdtw_fsc, pdtw_gx_gpa;
  logic        pdtw_req_valid;
  logic [63:0] pdtw_req_addr;
  // page walk
  logic        pt_start, pt_gonly, ptw_done, ptw_fault, ptw_is_msi, ptw_busy;
  logic [1:0]  ptw_kind;
  logic [63:0] ptw_iotval2, ptw_gpa, ptw_pa, pt_iova;
  logic [2:0]  ptw_lvl;
  logic        ptw_sr, ptw_sw, ptw_sx, ptw_su, ptw_sg, ptw_gr, ptw_gw, ptw_gx;
  logic [2:0]  ptw_perm;
  logic        ptw_none, ptw_glob;
  logic        ptw_req_valid;
  logic [1:0]  ptw_req_op;
  logic [63:0] ptw_req_addr, ptw_req_wdata, ptw_req_cmp;
  // IOTLB
  logic        tlb_hit, tlb_fill;
  logic [63:0] tlb_pa;

  iommu_ddt_cache #(.N(DDTC_N)) u_ddtc (
    .clk, .rst_n, .mutant,
    .lk_did(did), .lk_hit(dcache_hit), .lk_dc(dcache_dc),
    .walk_start(ddt_start), .fill(dcache_fill), .fill_did(did), .fill_dc(ddtw_dc),
    .inv(ddt_inv), .inv_dv(ddt_dv), .inv_did(ddt_did), .flush(ddtp_written)
  );

  iommu_ddt_walk #(.MSI_FLAT(MSI_FLAT), .AMO_HWAD(AMO_HWAD), .CAP_ATS(CAP_ATS), .CAP_T2GPA(CAP_T2GPA), .CAP_SV39(CAP_SV39),
                   .CAP_SV48(CAP_SV48), .CAP_SV39X4(CAP_SV39X4), .CAP_SV48X4(CAP_SV48X4),
                   .CAP_PD8(CAP_PD8), .CAP_PD17(CAP_PD17), .CAP_PD20(CAP_PD20), .PAS(PAS))
  u_ddtw (
    .clk, .rst_n, .mutant, .start(ddt_start), .did, .mode(ddtp_mode), .root_ppn(ddtp_ppn),
    .done(ddtw_done), .fault(ddtw_fault), .cause(ddtw_cause), .dc(ddtw_dc),
    .m_req_valid(ddtw_req_valid), .m_req_ready(m_req_ready && ddtw_busy),
    .m_req_addr(ddtw_req_addr), .m_req_words(ddtw_req_words), .m_rsp_valid(m_rsp_valid && ddtw_busy),
    .m_rsp_rdata, .m_rsp_err, .busy(ddtw_busy)
  );

  iommu_pdt_walk #(.CAP_SV39(CAP_SV39), .CAP_SV48(CAP_SV48)) u_pdtw (
    .clk, .rst_n, .mutant, .start(pdt_start), .mode(dc[3][63:60]), .root_ppn(dc[3][43:0]),
    .pid(pv ? pid : 20'd0), .g_bare(g_mode == 4'd0),
    .gx_start(pdtw_gx_start), .gx_gpa(pdtw_gx_gpa), .gx_done(ptw_done && st == X_PDTG),
    .gx_fault(ptw_fault), .gx_spa(ptw_pa),
    .done(pdtw_done), .fault(pdtw_fault), .gfault(pdtw_gfault), .cause(pdtw_cause),
    .pc_ta(pdtw_ta), .pc_fsc(pdtw_fsc),
    .m_req_valid(pdtw_req_valid), .m_req_ready(m_req_ready && pdtw_busy && !ptw_busy),
    .m_req_addr(pdtw_req_addr), .m_req_words(pdtw_req_words),
    .m_rsp_valid(m_rsp_valid && pdtw_busy && !ptw_busy),
    .m_rsp_rdata, .m_rsp_err, .busy(pdtw_busy)
  );

  iommu_pt_walk #(.AMO_HWAD(AMO_HWAD), .AD_CAS(AD_CAS)) u_ptw (
    .clk, .rst_n, .mutant, .start(pt_start), .gonly_in(pt_gonly), .iova_in(pt_iova), .acc,
    .ats(is_ats && st != X_PDTW && st != X_PDTG), .want_w(!nw), .want_x(exe),
    .priv_s, .sum, .s_mode, .s_ppn, .g_mode, .g_ppn(gatp[43:0]),
    .sade(tc[8]), .gade(tc[7]), .msi_en(MSI_FLAT && msiptp[63:60] == 4'd1),
    .msi_mask(dc[5][51:0]), .msi_pattern(dc[6][51:0]),
    .done(ptw_done), .fault(ptw_fault), .fault_kind(ptw_kind), .iotval2(ptw_iotval2),
    .is_msi(ptw_is_msi), .gpa(ptw_gpa), .pa(ptw_pa), .lvl_eff(ptw_lvl),
    .s_r(ptw_sr), .s_w(ptw_sw), .s_x(ptw_sx), .s_u(ptw_su), .s_g(ptw_sg),
    .g_r(ptw_gr), .g_w(ptw_gw), .g_x(ptw_gx), .perm(ptw_perm), .none(ptw_none), .s_glob(ptw_glob),
    .m_req_valid(ptw_req_valid), .m_req_ready(m_req_ready && ptw_busy), .m_req_op(ptw_req_op),
    .m_req_addr(ptw_req_addr), .m_req_wdata(ptw_req_wdata), .m_req_cmp(ptw_req_cmp),
    .m_rsp_valid(m_rsp_valid && ptw_busy), .m_rsp_rdata, .m_rsp_err, .busy(ptw_busy)
  );

  logic lk_gv, lk_pscv;
  assign lk_gv = (g_mode != 4'd0);
  assign lk_pscv = (s_mode != 4'd0);
  iommu_iotlb #(.N(TLB_N)) u_tlb (
    .clk, .rst_n, .mutant,
    .lk_did(did), .lk_pv(pv), .lk_pid(pid), .lk_gv, .lk_gscid(gatp[59:44]), .lk_pscv, .lk_pscid(pscid), .lk_vpn(iova[63:12]),
    .lk_acc(acc), .lk_priv_s(priv_s), .lk_sum(sum), .lk_hit(tlb_hit), .lk_pa(tlb_pa),
    .walk_start(st == X_START), .fill(tlb_fill),   // armed for the whole translation
    .f_gv(lk_gv), .f_gscid(gatp[59:44]), .f_pscv(lk_pscv), .f_pscid(pscid),
    .f_vpn(iova[63:12]), .f_lvl(ptw_lvl[1:0]), .f_ppn(ptw_pa[55:12]),
    .f_r(ptw_sr & ptw_gr), .f_w(ptw_sw & ptw_gw), .f_x(ptw_sx & ptw_gx), .f_u(ptw_su),
    .f_g(ptw_sg), .f_dirty(acc == 2'd1),
    .inv(tlb_inv), .inv_gvma(tlb_gvma), .inv_av(tlb_av), .inv_pscv(tlb_pscv), .inv_gv(tlb_gv),
    .inv_pscid(tlb_pscid), .inv_gscid(tlb_gscid), .inv_vpn(tlb_vpn), .flush(ddtp_written)
  );

  // ---------------- helpers ----------------
  // MSI interrupt-file number: I = extract(A >> 12, msi_addr_mask)
  function automatic logic [51:0] pext(input logic [51:0] x, input logic [51:0] m);
    logic [51:0] r;
    int k;
    r = 52'd0; k = 0;
    for (int i = 0; i < 52; i++) begin
      if (m[i]) begin
        r[k] = x[i];
        k++;
      end
    end
    pext = r;
  endfunction

  logic [63:0] msipte_addr;
  assign msipte_addr = {8'd0, msiptp[43:0], 12'd0} | {8'd0, pext(msi_gpa[63:12], dc[5][51:0]), 4'd0};

  // causes of page-walk faults, by the original access type
  function automatic logic [11:0] pt_cause(input logic [1:0] k, input logic [1:0] a,
                                           input logic pdt);
    case (k)
      2'd0: pt_cause = (a == 2'd2) ? C_INST_PF : (a == 2'd1) ? C_STORE_PF : C_LOAD_PF;
      2'd1: pt_cause = (a == 2'd2) ? C_INST_GPF : (a == 2'd1) ? C_STORE_GPF : C_LOAD_GPF;
      2'd2: pt_cause = pdt ? C_PDT_ACCESS :
                       (a == 2'd2) ? C_INST_ACCESS : (a == 2'd1) ? C_STORE_ACCESS : C_LOAD_ACCESS;
      default: pt_cause = pdt ? C_PDT_CORRUPT : C_PT_CORRUPT;
    endcase
  endfunction

  // causes still reported when DC.tc.DTF = 1 (spec: fault record cause table, "*")
  function automatic logic dtf_exempt(input logic [11:0] c);
    dtf_exempt = (c == C_ALL_DISALLOW) || (c == C_DDT_ACCESS) || (c == C_DDT_INVALID) ||
                 (c == C_DDT_MISCONF) || (c == C_DDT_CORRUPT) || (c == 12'd272) ||
                 (c == 12'd273);
  endfunction

  // ATS completion status of a fault (spec: "PCIe ATS translation request handling")
  function automatic logic ats_success_cause(input logic [11:0] c);
    ats_success_cause = (c == C_INST_PF) || (c == C_LOAD_PF) || (c == C_STORE_PF) ||
                        (c == C_INST_GPF) || (c == C_LOAD_GPF) || (c == C_STORE_GPF) ||
                        (c == C_MSI_INVALID) || (c == C_PDT_INVALID);
  endfunction

  // request checks after the DC is found (step 7), pid width per pdtp.MODE
  logic bad_type, pid_wide, is_ats, is_tr, ats_off;
  assign is_ats = (ttyp == TT_ATS);
  assign is_tr  = (ttyp == TT_T_EXEC || ttyp == TT_T_READ || ttyp == TT_T_WRITE);
  // translated and ATS requests need DC.tc.EN_ATS
  assign ats_off = (is_ats || (is_tr && !mutant_on(mutant, M_TRANSLATED_NO_EN_ATS))) && !tc[1];
  always_comb begin
    bad_type = !(ttyp == TT_UT_EXEC || ttyp == TT_UT_READ || ttyp == TT_UT_WRITE ||
                 ttyp == TT_T_EXEC || ttyp == TT_T_READ || ttyp == TT_T_WRITE || ttyp == TT_ATS);
    pid_wide = 1'b0;
    if (dc[3][63:60] == 4'd1 && pid[19:8] != 12'd0) pid_wide = 1'b1;
    if (dc[3][63:60] == 4'd2 && pid[19:17] != 3'd0) pid_wide = 1'b1;
  end

  task automatic do_fault(input logic [11:0] c);
    cause <= c;
    st <= X_FAULT;
  endtask

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      st <= X_IDLE; tag <= 16'd0; did <= 24'd0; pv <= 1'b0; priv_s <= 1'b0; pid <= 20'd0;
      iova <= 64'd0; ttyp <= 6'd0; acc <= 2'd0; nw <= 1'b0; exe <= 1'b0;
      perm <= 3'd0; glob <= 1'b0; lvl <= 3'd0;
      for (int i = 0; i < 8; i++) dc[i] <= 64'd0;
      dc_valid <= 1'b0; s_mode <= 4'd0; s_ppn <= 44'd0; pscid <= 20'd0; sum <= 1'b0;
      cause <= 12'd0; iotval2 <= 64'd0; pa <= 64'd0; msi_gpa <= 64'd0; msipte0 <= 64'd0;
      is_msg <= 1'b0; pr_exec <= 1'b0; pr_dsv <= 1'b0; pr_payload <= 64'd0; cxl <= 1'b0; msi_addr <= 1'b0;
    end else begin
      case (st)
        X_IDLE: if (req_valid) begin
          tag <= req_tag; did <= req_did; pv <= req_pv; pid <= req_pv ? req_pid : 20'd0;
          priv_s <= req_pv & req_priv;            // without a process_id: user privilege
          iova <= req_iova; ttyp <= req_ttyp;
          // ATS (model of the original access type): write unless no-write, else execute if
          // requested, else read
          acc <= (req_ttyp == TT_ATS) ? (!req_nw ? 2'd1 : req_exe ? 2'd2 : 2'd0) :
                 (req_ttyp == TT_UT_EXEC || req_ttyp == TT_T_EXEC) ? 2'd2 :
                 (req_ttyp == TT_UT_WRITE || req_ttyp == TT_T_WRITE) ? 2'd1 : 2'd0;
          nw <= (req_ttyp == TT_ATS) & req_nw; exe <= (req_ttyp == TT_ATS) & req_exe;
          perm <= {(req_ttyp == TT_ATS) & req_exe, !((req_ttyp == TT_ATS) & req_nw), 1'b1};
          glob <= 1'b0; lvl <= 3'd0;
          dc_valid <= 1'b0; cause <= 12'd0; iotval2 <= 64'd0; pa <= 64'd0;
          is_msg <= 1'b0; cxl <= (req_ttyp == TT_ATS) & req_cxl; msi_addr <= 1'b0;
          st <= X_START;
        end else if (pr_req_valid) begin
          // Page Request: TTYP 9 (PCIe message), iotval = the message code
          tag <= 16'd0; did <= pr_req_did; pv <= pr_req_pv; pid <= pr_req_pv ? pr_req_pid : 20'd0;
          priv_s <= pr_req_pv & pr_req_priv;
          iova <= 64'h4; ttyp <= TT_MSG; acc <= 2'd0; nw <= 1'b0; exe <= 1'b0; perm <= 3'd0;
          glob <= 1'b0; lvl <= 3'd0;
          dc_valid <= 1'b0; cause <= 12'd0; iotval2 <= 64'd0; pa <= 64'd0;
          is_msg <= 1'b1; pr_exec <= pr_req_exec; pr_dsv <= pr_req_dsv; pr_payload <= pr_req_payload;
          cxl <= 1'b0; msi_addr <= 1'b0;
          st <= X_START;
        end
        X_START: begin
          if (ddtp_mode == MODE_BARE) begin
            if (ttyp == TT_UT_EXEC || ttyp == TT_UT_READ || ttyp == TT_UT_WRITE) begin
              pa <= iova; st <= X_CPL;
            end else do_fault(C_TTYP_DISALLOW);
          end else if (ddtp_mode < MODE_1LVL || ddtp_mode > MODE_3LVL) begin
            do_fault(C_ALL_DISALLOW);
          end else if ((ddtp_mode == MODE_1LVL && (MSI_FLAT ? did[23:6] != 18'd0
                                                            : did[23:7] != 17'd0)) ||
                       (ddtp_mode == MODE_2LVL && (MSI_FLAT ? did[23:15] != 9'd0
                                                            : did[23:16] != 8'd0))) begin
            do_fault(C_TTYP_DISALLOW);            // device_id too wide for the mode
          end else if (dcache_hit && !is_msg) begin
            for (int i = 0; i < 8; i++) dc[i] <= dcache_dc[i];
            st <= X_DC;
          end else begin
            st <= X_DDTW;
          end
        end
        X_DDTW: if (ddtw_done) begin
          if (ddtw_fault) do_fault(ddtw_cause);
          else begin
            for (int i = 0; i < 8; i++) dc[i] <= ddtw_dc[i];
            st <= X_DC;
          end
        end
        X_DC: begin
          dc_valid <= 1'b1;
          s_mode <= 4'd0; s_ppn <= 44'd0; pscid <= 20'd0; sum <= 1'b0;
          if (is_msg) begin
            if (!tc[2]) do_fault(C_TTYP_DISALLOW);     // EN_PRI = 0
            else st <= X_PRQ;
          end
          else if (bad_type || ats_off) do_fault(C_TTYP_DISALLOW);
          else if (pv && !tc[5]) do_fault(C_TTYP_DISALLOW);
          else if (pv && tc[5] && pid_wide) do_fault(C_TTYP_DISALLOW);
          else if (is_tr && (!tc[3] || mutant_on(mutant, M_T2GPA_TRANSLATED_SPA))) begin
            pa <= iova; st <= X_CPL;                   // T2GPA = 0: the address is an SPA
          end else if (is_tr) begin
            st <= X_TLB;                               // T2GPA = 1: a GPA, G stage only
          end else if (!tc[5]) begin
            s_mode <= dc[3][63:60]; s_ppn <= dc[3][43:0]; pscid <= dc[2][31:12];
            st <= X_TLB;
          end else if ((!pv && !tc[9]) || dc[3][63:60] == 4'd0) begin
            st <= X_TLB;                           // first stage Bare
          end else begin
            st <= X_PDTW;
          end
        end
        X_PDTW: begin
          if (pdtw_gx_start) st <= X_PDTG;
          else if (pdtw_done) begin
            if (pdtw_fault && pdtw_gfault) begin
              iotval2 <= ptw_iotval2;
              do_fault(pt_cause(ptw_kind, acc, 1'b1));
            end else if (pdtw_fault) do_fault(pdtw_cause);
            else st <= X_PC;
          end
        end
        X_PDTG: if (ptw_done) st <= X_PDTW;
        X_PC: begin
          if (priv_s && !pdtw_ta[1]) do_fault(C_TTYP_DISALLOW);          // ENS
          else begin
            s_mode <= pdtw_fsc[63:60]; s_ppn <= pdtw_fsc[43:0]; pscid <= pdtw_ta[31:12];
            sum <= pdtw_ta[2];
            st <= X_TLB;
          end
        end
        X_TLB: begin
          if (s_mode == 4'd0 && g_mode == 4'd0) begin
            pa <= iova; st <= X_CPL;
          end else if (tlb_hit && !is_ats && !is_tr) begin
            pa <= tlb_pa | {52'd0, iova[11:0]}; st <= X_CPL;
          end else st <= X_PTW;
        end
        X_PTW: if (ptw_done) begin
          if (ptw_fault) begin
            iotval2 <= (ptw_kind == 2'd1) ? ptw_iotval2 : 64'd0;
            do_fault(pt_cause(ptw_kind, acc, 1'b0));
          end else if (ptw_none) begin
            // ATS: Success with R=W=0, "successfully completed but the requested permissions are not
            // present": Global is still the first stage's ("if translation could be successfully
            // completed and the request had a PASID present")
            perm <= 3'd0; st <= X_CPL;
            glob <= pv && ptw_glob && s_mode != 4'd0;
          end else if (ptw_is_msi) begin
            msi_gpa <= ptw_gpa; msi_addr <= 1'b1;
            perm <= ptw_perm & 3'b011;                  // no execute of an MSI page
            st <= X_MSI_RD0;
          end else begin
            // T2GPA: an ATS completion returns the GPA
            pa <= (is_ats && tc[3] && !mutant_on(mutant, M_T2GPA_ATS_SPA)) ? ptw_gpa : ptw_pa;
            perm <= ptw_perm; st <= X_CPL;
            glob <= pv && ptw_glob && s_mode != 4'd0;
            lvl <= (ptw_lvl == 3'd7) ? 3'd0 : ptw_lvl;
          end
        end
        // ---- MSI flat translation (spec: "Process to translate addresses of MSIs") ----
        X_MSI_RD0: if (m_req_ready) st <= X_MSI_RD0W;
        X_MSI_RD0W: if (m_rsp_valid) begin
          if (m_rsp_err != 2'd0) do_fault(m_rsp_err == 2'd1 ? C_MSI_ACCESS : C_MSI_CORRUPT);
          else begin msipte0 <= m_rsp_rdata; st <= X_MSI_RD1; end
        end
        X_MSI_RD1: if (m_req_ready) st <= X_MSI_RD1W;
        X_MSI_RD1W: if (m_rsp_valid) begin
          if (m_rsp_err != 2'd0) do_fault(m_rsp_err == 2'd1 ? C_MSI_ACCESS : C_MSI_CORRUPT);
          else if (!msipte0[0]) do_fault(C_MSI_INVALID);
          // C = 1 (implementation defined) is treated as misconfigured; only basic mode
          // (M = 3) is supported (no MSI_MRIF); reserved bits must be 0 (dw1 is reserved).
          else if (msipte0[63] || msipte0[2:1] != 2'd3 || msipte0[9:3] != 7'd0 ||
                   msipte0[62:54] != 9'd0 || m_rsp_rdata != 64'd0) do_fault(C_MSI_MISCONF);
          else if (acc == 2'd2 && !is_ats) do_fault(C_INST_ACCESS);
          else begin
            pa <= (is_ats && tc[3]) ? msi_gpa : {8'd0, msipte0[53:10], msi_gpa[11:0]};
            st <= X_CPL;
          end
        end
        X_FAULT: begin
          if (is_ats && ats_success_cause(cause) && !mutant_on(mutant, M_ATS_PF_REPORTED)) st <= X_CPL;
          else if (dc_valid && tc[4] && !dtf_exempt(cause) && !mutant_on(mutant, M_DTF_IGNORED)) st <= is_msg ? X_PRQ : X_CPL;
          else st <= X_REC;
        end
        X_REC: if (rec_ready) st <= is_msg ? X_PRQ : X_CPL;
        X_CPL: if (cpl_ready) st <= X_IDLE;
        X_PRQ: if (prq_ready) st <= X_IDLE;
        default: st <= X_IDLE;
      endcase
    end
  end

  // sub-module starts and cache fills
  assign ddt_start   = (st == X_START) && ddtp_mode >= MODE_1LVL && ddtp_mode <= MODE_3LVL &&
                       (!dcache_hit || is_msg) && !((ddtp_mode == MODE_1LVL && (MSI_FLAT ? did[23:6] != 18'd0
                                                                             : did[23:7] != 17'd0)) ||
                                        (ddtp_mode == MODE_2LVL && (MSI_FLAT ? did[23:15] != 9'd0
                                                                             : did[23:16] != 8'd0)));
  assign dcache_fill = (st == X_DDTW) && ddtw_done && !ddtw_fault && !is_msg;
  assign pdt_start   = (st == X_DC) && !(bad_type || ats_off) && !is_tr && !(pv && !tc[5]) &&
                       !(pv && tc[5] && pid_wide) && tc[5] && !((!pv && !tc[9]) ||
                       dc[3][63:60] == 4'd0);
  assign pt_gonly    = (st == X_PDTW);
  assign pt_start    = (st == X_PDTW && pdtw_gx_start) ||
                       (st == X_TLB && !(s_mode == 4'd0 && g_mode == 4'd0) && (!tlb_hit || is_ats || is_tr));
  assign pt_iova     = (st == X_PDTW) ? pdtw_gx_gpa : iova;
  assign tlb_fill    = (st == X_PTW) && ptw_done && !ptw_fault && !ptw_is_msi && !is_ats && !is_tr &&
                       ptw_lvl != 3'd7;

  // memory client mux: only one walker is active at a time
  always_comb begin
    m_req_valid = 1'b0; m_req_op = MOP_READ; m_req_addr = 64'd0; m_req_wdata = 64'd0; m_req_cmp = 64'd0;
    m_req_words = 4'd1;
    if (ptw_busy) begin
      m_req_valid = ptw_req_valid; m_req_op = ptw_req_op; m_req_addr = ptw_req_addr;
      m_req_wdata = ptw_req_wdata; m_req_cmp = ptw_req_cmp;
    end else if (pdtw_busy) begin
      m_req_valid = pdtw_req_valid; m_req_addr = pdtw_req_addr; m_req_words = pdtw_req_words;
    end else if (ddtw_busy) begin
      m_req_valid = ddtw_req_valid; m_req_addr = ddtw_req_addr; m_req_words = ddtw_req_words;
    end else if (st == X_MSI_RD0 || st == X_MSI_RD1) begin
      m_req_valid = 1'b1; m_req_addr = msipte_addr + ((st == X_MSI_RD1) ? 64'd8 : 64'd0);
      m_req_words = (st == X_MSI_RD0) ? 4'd2 : 4'd1;                          // an MSI PTE: two
    end
  end

  assign req_ready  = (st == X_IDLE);
  assign pr_req_ready = (st == X_IDLE) && !req_valid;
  // the page request, checked, to the page-request queue
  assign prq_valid   = (st == X_PRQ);
  assign prq_admit   = (cause == 12'd0);
  assign prq_code    = (cause == C_TTYP_DISALLOW) ? 4'h1 : 4'hF;
  assign prq_prpr    = (cause == 12'd0) && tc[6];
  assign prq_did     = did;
  assign prq_pv      = pv;
  assign prq_pid     = pid;
  assign prq_priv    = priv_s;
  assign prq_exec    = pr_exec;
  assign prq_dsv     = pr_dsv;
  assign prq_payload = pr_payload;
  assign cpl_valid  = (st == X_CPL);
  assign cpl_tag    = tag;
  // ATS: a fault completes as UR (256-260), CA, or Success with R=W=0 (page faults, 262, 266)
  logic ats_ok;
  assign ats_ok = is_ats && (cause == 12'd0 || ats_success_cause(cause));
  always_comb begin
    if (cause == 12'd0)                       cpl_status = 2'd0;
    else if (!is_ats)                         cpl_status = 2'd1;
    else if (ats_success_cause(cause))        cpl_status = 2'd0;
    else if (cause >= C_ALL_DISALLOW && cause <= C_TTYP_DISALLOW) cpl_status = 2'd1;
    else                                      cpl_status = 2'd2;
  end
  assign cpl_cause  = cause;
  // ATS success: the range's base, with the NAPOT size encoding (S=1) above 4 KiB
  logic [63:0] ats_half;
  assign ats_half = (lvl == 3'd0) ? 64'd0 : ((64'd1 << (11 + 9 * int'(lvl))) - 64'd1) & ~64'hFFF;
  always_comb begin
    if (cause != 12'd0)  cpl_pa = 64'd0;
    else if (is_ats)     cpl_pa = ((pa >> (12 + 9 * int'(lvl))) << (12 + 9 * int'(lvl))) | ats_half;
    else                 cpl_pa = pa;
  end
  assign cpl_r    = ats_ok && cause == 12'd0 && perm[0];
  assign cpl_w    = ats_ok && cause == 12'd0 && perm[1];
  assign cpl_x    = ats_ok && cause == 12'd0 && perm[2];
  assign cpl_u    = 1'b0;                          // no MSI_MRIF: never untranslated-only
  assign cpl_g    = ats_ok && cause == 12'd0 && glob;
  assign cpl_s    = ats_ok && cause == 12'd0 && lvl != 3'd0;
  // Priv: the request's Privilege Mode Requested when it has a PASID (priv_s = pv & priv)
  assign cpl_priv = ats_ok && priv_s && !mutant_on(mutant, M_ATS_PRIV_DROPPED);
  assign cpl_cxl_io = ats_ok && (cxl || mutant_on(mutant, M_CXL_IO_NOT_CXL)) && (msi_addr || tc[3]);

  assign rec_valid   = (st == X_REC);
  assign rec_cause   = cause;
  assign rec_ttyp    = ttyp;
  assign rec_did     = did;
  assign rec_pv      = pv;
  assign rec_pid     = pv ? pid : 20'd0;
  assign rec_priv    = priv_s;
  assign rec_iotval  = iova;
  assign rec_iotval2 = iotval2;

  assign busy = (st != X_IDLE);

  logic unused;
  assign unused = ^{ptw_lvl[2], ptw_pa[63:56], ptw_pa[11:0], dc[7], msiptp[59:44], gatp[59:44] & 16'd0,
                    dc[5][63:52], dc[6][63:52], pdtw_ta[63:32], pdtw_ta[11:3], pdtw_ta[0],
                    pdtw_fsc[59:44], dc[3][59:44], dc[2][63:32], dc[2][11:0], tc[63:10],
                    tc[6:0] & 7'd0, msipte0[63:54]};
endmodule
