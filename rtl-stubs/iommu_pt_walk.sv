// iommu_pt_walk: two-stage address translation (RISC-V Privileged spec, "Two-Stage Address
// Translation", Sv39/Sv48 first stage, Sv39x4/Sv48x4 G stage, Svnapot). Every first-stage PTE
// address is a GPA translated by the G stage as an implicit read; a first-stage A/D update is an
// implicit write. With gonly=1 only the G stage runs (the address is a GPA, e.g. a PDT entry).
// Faults are reported as a kind; the caller maps them to cause codes:
//   FK_PF page fault, FK_GPF guest-page fault, FK_ACC access fault, FK_CORRUPT data corruption.
// With msi_en, a GPA that matches the MSI pattern stops before the G stage (is_msi).
// With ats=1 (PCIe ATS translation request, spec "PCIe ATS translation request handling") the
// leaf permission checks of the first stage and of the final G-stage translation are lenient: a
// denied R/W/X permission is cleared from the granted set (perm) instead of faulting, X and W are
// granted only with R, and a leaf that grants no R ends the walk with none=1 (Success with R=W=0,
// no A/D update). The U/SUM rules still fault; D is set only when W is granted.
module iommu_pt_walk
  import iommu_pkg::*;
#(
  parameter bit AMO_HWAD = 1'b1,
  // A/D updates as a compare and swap against the PTE the walk read, the walk re-reading the PTE when
  // it changed in between (Privileged spec, "Virtual Address Translation Process", step 7: "perform
  // atomically: compare pte to the value of the PTE ...; if the comparison fails, return to step 2";
  // Svadu: the update must atomically check that the PTE is valid and grants the permissions).
  // 0: an AMO OR, atomic only where nothing else writes the tables while a walk is under way
  // (a DUT that runs one translation at a time against software actions, as the AXI wrapper's does).
  parameter bit AD_CAS = 1'b1
) (
  input  logic        clk,
  input  logic        rst_n,
  input  logic [31:0]  mutant,
  input  logic        start,
  input  logic        gonly_in,
  input  logic [63:0] iova_in,
  input  logic [1:0]  acc,          // 0 read, 1 write, 2 execute
  input  logic        ats,          // ATS translation request: lenient permission checks
  input  logic        want_w,       // ATS: write requested (no-write not set)
  input  logic        want_x,       // ATS: execute requested
  input  logic        priv_s,
  input  logic        sum,
  input  logic [3:0]  s_mode,       // iosatp.MODE: 0 Bare, 8 Sv39, 9 Sv48
  input  logic [43:0] s_ppn,
  input  logic [3:0]  g_mode,       // iohgatp.MODE: 0 Bare, 8 Sv39x4, 9 Sv48x4
  input  logic [43:0] g_ppn,
  input  logic        sade,
  input  logic        gade,
  input  logic        msi_en,
  input  logic [51:0] msi_mask,
  input  logic [51:0] msi_pattern,
  output logic        done,
  output logic        fault,
  output logic [1:0]  fault_kind,
  output logic [63:0] iotval2,
  output logic        is_msi,
  output logic [63:0] gpa,          // first-stage result (GPA)
  output logic [63:0] pa,           // final SPA
  output logic [2:0]  lvl_eff,      // combined page size level (0 4K, 1 2M, 2 1G, 3 512G; 7 both Bare)
  output logic        s_r, s_w, s_x, s_u, s_g,
  output logic        g_r, g_w, g_x,
  output logic [2:0]  perm,         // ATS: permissions granted {X, W, R}
  output logic        none,         // ATS: a leaf granted no read permission (R=W=0)
  output logic        s_glob,       // first-stage G from the leaf or a non-leaf PTE
  // memory client
  output logic        m_req_valid,
  input  logic        m_req_ready,
  output logic [1:0]  m_req_op,
  output logic [63:0] m_req_addr,
  output logic [63:0] m_req_wdata,
  output logic [63:0] m_req_cmp,    // MOP_CAS: the value expected in memory
  input  logic        m_rsp_valid,
  input  logic [63:0] m_rsp_rdata,
  input  logic [1:0]  m_rsp_err,
  output logic        busy
);
  localparam logic [1:0] FK_PF = 2'd0, FK_GPF = 2'd1, FK_ACC = 2'd2, FK_CORRUPT = 2'd3;
  localparam logic [1:0] ACC_R = 2'd0, ACC_W = 2'd1, ACC_X = 2'd2;

  typedef enum logic [4:0] {
    P_IDLE, P_S_START, P_S_ADDR, P_S_RD, P_S_RDW, P_S_PTE, P_S_AMO, P_S_AMOW, P_G_FINAL,
    P_G_START, P_G_ADDR, P_G_RD, P_G_RDW, P_G_PTE, P_G_AMO, P_G_AMOW, P_DONE
  } st_t;
  st_t st, ret;

  // request operands, latched at start
  logic [63:0] iova;
  logic        gonly;
  // first stage state
  logic [2:0]  s_lvl;
  logic [43:0] s_a;
  logic [63:0] s_pte_gpa, s_pte;
  logic [63:0] s_gpa;
  logic [2:0]  s_leaf_lvl;
  logic [63:0] s_ad_bits;
  // G stage state
  logic [2:0]  g_lvl;
  logic [43:0] g_a;
  logic [63:0] g_in, g_pte_addr, g_pte, g_out;
  logic [1:0]  g_acc;
  logic        g_impl, g_implw, g_final;
  logic [2:0]  g_leaf_lvl;
  logic [63:0] g_ad_bits;
  logic        s_gl;

  // ---- first stage helpers ----
  logic [2:0] s_top;
  assign s_top = (s_mode == 4'd9) ? 3'd3 : 3'd2;
  logic [8:0] s_idx;
  always_comb begin
    s_idx = 9'(iova >> (12 + 9 * int'(s_lvl)));
    if (mutant_on(mutant, M_L1_INDEX_OFF_BY_ONE) && s_lvl == 3'd1) s_idx = iova[28:20];  // BUG
  end
  logic sign_ok;
  always_comb begin
    if (s_mode == 4'd9) sign_ok = (iova[63:47] == {17{iova[47]}});
    else                sign_ok = (iova[63:38] == {26{iova[38]}});
    if (mutant_on(mutant, M_SIGN_EXT_UNCHECKED)) sign_ok = 1'b1;                       // BUG
  end

  // ---- G stage helpers ----
  logic [2:0] g_top;
  assign g_top = (g_mode == 4'd9) ? 3'd3 : 3'd2;
  logic [10:0] g_idx;
  always_comb begin
    g_idx = {2'b00, 9'(g_in >> (12 + 9 * int'(g_lvl)))};
    if (g_lvl == g_top && !mutant_on(mutant, M_GPA_WIDTH_UNCHECKED))
      g_idx = 11'(g_in >> (12 + 9 * int'(g_lvl)));       // x4: the root index is 2 bits wider
  end
  logic gpa_ok;
  always_comb begin
    if (g_mode == 4'd9) gpa_ok = (g_in[63:50] == 14'd0);
    else                gpa_ok = (g_in[63:41] == 23'd0);
    if (mutant_on(mutant, M_GPA_WIDTH_UNCHECKED)) gpa_ok = 1'b1;                       // BUG
  end

  // ---- PTE decode shared by both stages ----
  // Returns: bit0 invalid/reserved, bit1 leaf
  // whole PTEs / entries are passed; not every bit is used
  /* verilator lint_off UNUSEDSIGNAL */
  function automatic logic [1:0] pte_kind(input logic [63:0] p, input logic [2:0] lv,
                                          input logic [31:0] mut);
    logic bad, leaf;
    leaf = p[1] | p[3];                                  // R or X (W-only is reserved)
    bad = !p[0];
    if (!p[1] && p[2]) begin                             // xwr = 010 / 110: reserved
      if (mutant_on(mut, M_XWR_010_ALLOWED)) leaf = 1'b1;         // BUG: accepted as a write-only leaf
      else bad = 1'b1;
    end
    if (p[60:54] != 7'd0) bad = 1'b1;                    // reserved
    if (p[62:61] != 2'd0) bad = 1'b1;                    // PBMT without Svpbmt
    if (p[63]) begin                                     // Svnapot: only 64 KiB at level 0
      if (!leaf || lv != 3'd0 || p[13:10] != 4'b1000) bad = 1'b1;
    end
    if (!leaf && !p[1] && !p[2] && !p[3] && lv == 3'd0) bad = 1'b1;   // no next level
    // "For non-leaf PTEs, the D, A, and U bits are reserved for future standard use", and a PTE with reserved
    // bits set is a page fault (Priv supervisor.adoc, Sv32 PTE format and the walk's step 3)
    if (!leaf && (p[7] || p[6] || p[4])) bad = 1'b1;
    pte_kind = {leaf, bad};
  endfunction
  /* verilator lint_on UNUSEDSIGNAL */

  // Superpage alignment: PPN bits below the page size must be 0.
  // whole PTEs / entries are passed; not every bit is used
  /* verilator lint_off UNUSEDSIGNAL */
  function automatic logic misaligned(input logic [63:0] p, input logic [2:0] lv);
    logic [43:0] m;
    m = (44'd1 << (9 * int'(lv))) - 44'd1;
    misaligned = (p[53:10] & m) != 44'd0;
  endfunction
  /* verilator lint_on UNUSEDSIGNAL */

  // Leaf address: PPN above the page size, VA/GPA bits inside it.
  // whole PTEs / entries are passed; not every bit is used
  /* verilator lint_off UNUSEDSIGNAL */
  function automatic logic [63:0] leaf_pa(input logic [63:0] p, input logic [2:0] lv,
                                          input logic [63:0] va, input logic [31:0] mut);
    logic [63:0] off_m, base;
    off_m = (64'd1 << (12 + 9 * int'(lv))) - 64'd1;
    base = {8'd0, p[53:10], 12'd0};
    if (p[63]) off_m = 64'hFFFF;                         // 64 KiB NAPOT page
    if (mutant_on(mut, M_SUPERPAGE_PA_MERGE) && lv != 3'd0)
      off_m = off_m & ~64'h1F_F000;                      // BUG: VPN[0] taken from the PTE
    leaf_pa = (base & ~off_m) | (va & off_m);
  endfunction
  /* verilator lint_on UNUSEDSIGNAL */

  logic [1:0] s_k, g_k;
  assign s_k = pte_kind(s_pte, s_lvl, mutant);
  assign g_k = pte_kind(g_pte, g_lvl, mutant);

  // First-stage leaf permission check (U and SUM rules; no MXR in an IOMMU)
  logic s_perm_ok;
  always_comb begin
    case (acc)
      ACC_W:   s_perm_ok = (mutant_on(mutant, M_WRITE_CHECKS_R)) ? s_pte[1] : s_pte[2];   // BUG: R for W
      ACC_X:   s_perm_ok = s_pte[3];
      default: s_perm_ok = s_pte[1];
    endcase
    if (!priv_s && !s_pte[4]) s_perm_ok = 1'b0;          // user access needs U=1
    if (priv_s && s_pte[4]) begin                        // supervisor access to a user page
      if (acc == ACC_X) s_perm_ok = 1'b0;
      else if (!sum && !mutant_on(mutant, M_SUM_IGNORED)) s_perm_ok = 1'b0;
    end
  end
  // G-stage leaf permission check: every access is treated as a user access.
  logic g_perm_ok;
  always_comb begin
    case (g_acc)
      ACC_W:   g_perm_ok = (mutant_on(mutant, M_WRITE_CHECKS_R)) ? g_pte[1] : g_pte[2];
      ACC_X:   g_perm_ok = g_pte[3];
      default: g_perm_ok = g_pte[1];
    endcase
    if (!g_pte[4] && !mutant_on(mutant, M_GSTAGE_U_IGNORED)) g_perm_ok = 1'b0;
  end

  // ATS (lenient) leaf checks: the U/SUM rules still fault; R/W/X are granted as the PTE and the
  // request allow; no R grants nothing. SUM never grants execute of a U page to a supervisor.
  logic       s_u_ok, g_u_ok;
  logic [2:0] s_grant, g_grant;
  always_comb begin
    s_u_ok = 1'b1;
    if (!priv_s && !s_pte[4]) s_u_ok = 1'b0;
    if (priv_s && s_pte[4] && !sum && !mutant_on(mutant, M_SUM_IGNORED)) s_u_ok = 1'b0;
    s_grant = {s_pte[3] & want_x & !(priv_s & s_pte[4]), s_pte[2] & want_w, s_pte[1]};
    if (!s_pte[1]) s_grant = 3'b000;
    if (mutant_on(mutant, M_ATS_WRITE_DENIED_ALL) && want_w && !s_pte[2]) s_grant = 3'b000;   // BUG
    g_u_ok = g_pte[4] || mutant_on(mutant, M_GSTAGE_U_IGNORED);
    g_grant = {g_pte[3] & perm[2], g_pte[2] & perm[1], g_pte[1] & perm[0]};
    if (!g_grant[0]) g_grant = 3'b000;
  end
  logic g_lenient;
  assign g_lenient = ats && g_final;

  // A/D: bits to set (A always when 0, D on a write when 0)
  // whole PTEs / entries are passed; not every bit is used
  /* verilator lint_off UNUSEDSIGNAL */
  function automatic logic [63:0] ad_need(input logic [63:0] p, input logic wr,
                                          input logic [31:0] mut);
    ad_need = 64'd0;
    if (!p[6]) ad_need[6] = 1'b1;
    if (wr && !p[7] && !mutant_on(mut, M_D_BIT_IGNORED)) ad_need[7] = 1'b1;
    if (mutant_on(mut, M_HWAD_D_ON_READ) && ad_need != 64'd0) ad_need[7] = !p[7];   // BUG: D on reads
  endfunction
  /* verilator lint_on UNUSEDSIGNAL */

  logic [63:0] s_need, g_need;
  assign s_need = ad_need(s_pte, ats ? s_grant[1] : acc == ACC_W, mutant);
  assign g_need = ad_need(g_pte, g_lenient ? g_grant[1] : g_acc == ACC_W, mutant);

  // MSI address match (spec: "MSI address translation"): (A >> 12) & ~mask == pattern & ~mask
  logic msi_match;
  always_comb begin
    if (mutant_on(mutant, M_MSI_MASK_IGNORED)) msi_match = (s_gpa[63:12] == msi_pattern);  // BUG
    else msi_match = ((s_gpa[63:12] & ~msi_mask) == (msi_pattern & ~msi_mask));
  end

  logic [63:0] s_pte_spa;
  assign s_pte_spa = (g_mode == 4'd0) ? s_pte_gpa : g_out;

  task automatic fail(input logic [1:0] k);
    fault <= 1'b1;
    fault_kind <= k;
    st <= P_DONE;
  endtask

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      iova <= 64'd0; gonly <= 1'b0;
      st <= P_IDLE; ret <= P_IDLE; done <= 1'b0; fault <= 1'b0; fault_kind <= 2'd0;
      iotval2 <= 64'd0; is_msi <= 1'b0; pa <= 64'd0;
      s_lvl <= 3'd0; s_a <= 44'd0; s_pte_gpa <= 64'd0; s_pte <= 64'd0; s_gpa <= 64'd0;
      s_leaf_lvl <= 3'd7; s_ad_bits <= 64'd0;
      g_lvl <= 3'd0; g_a <= 44'd0; g_in <= 64'd0; g_pte_addr <= 64'd0; g_pte <= 64'd0;
      g_out <= 64'd0; g_acc <= 2'd0; g_impl <= 1'b0; g_implw <= 1'b0; g_final <= 1'b0;
      g_leaf_lvl <= 3'd7; g_ad_bits <= 64'd0;
      {s_r, s_w, s_x, s_u, s_g, g_r, g_w, g_x} <= '0;
      perm <= 3'd0; none <= 1'b0; s_gl <= 1'b0; s_glob <= 1'b0;
    end else begin
      done <= 1'b0;
      case (st)
        P_IDLE: if (start) begin
          iova <= iova_in; gonly <= gonly_in;
          fault <= 1'b0; fault_kind <= 2'd0; iotval2 <= 64'd0; is_msi <= 1'b0;
          s_leaf_lvl <= 3'd7; g_leaf_lvl <= 3'd7; g_final <= 1'b0;
          {s_r, s_w, s_x, s_u, s_g} <= 5'b11110;
          {g_r, g_w, g_x} <= 3'b111;
          perm <= {want_x, want_w, 1'b1}; none <= 1'b0; s_gl <= 1'b0; s_glob <= 1'b0;
          st <= P_S_START;
        end
        // ---------------- first stage ----------------
        P_S_START: begin
          if (gonly || s_mode == 4'd0) begin
            s_gpa <= iova;
            st <= P_G_FINAL;
          end else if (!sign_ok) begin
            fail(FK_PF);
          end else begin
            s_lvl <= s_top;
            s_a <= s_ppn;
            st <= P_S_ADDR;
          end
        end
        P_S_ADDR: begin
          s_pte_gpa <= {8'd0, s_a, 12'd0} + {52'd0, s_idx, 3'd0};
          if (g_mode == 4'd0) st <= P_S_RD;
          else begin
            g_in <= {8'd0, s_a, 12'd0} + {52'd0, s_idx, 3'd0};
            g_acc <= ACC_R; g_impl <= 1'b1; g_implw <= 1'b0; g_final <= 1'b0;
            ret <= P_S_RD;
            st <= P_G_START;
          end
        end
        P_S_RD: if (m_req_ready) st <= P_S_RDW;
        P_S_RDW: if (m_rsp_valid) begin
          if (m_rsp_err != 2'd0) fail(m_rsp_err == 2'd1 ? FK_ACC : FK_CORRUPT);
          else begin s_pte <= m_rsp_rdata; st <= P_S_PTE; end
        end
        P_S_PTE: begin
          if (s_k[0]) fail(FK_PF);
          else if (!s_k[1]) begin                         // pointer to the next level
            if (s_pte[5]) s_gl <= 1'b1;
            s_a <= s_pte[53:10];
            s_lvl <= s_lvl - 3'd1;
            st <= P_S_ADDR;
          end else if (misaligned(s_pte, s_lvl) && !mutant_on(mutant, M_SUPERPAGE_MISALIGN)) begin
            fail(FK_PF);                                  // misaligned superpage
          end else if (ats ? !s_u_ok : !s_perm_ok) begin
            fail(FK_PF);
          end else if (ats && !s_grant[0]) begin
            perm <= 3'd0; none <= 1'b1;                   // ATS: nothing granted, no A/D update
            s_glob <= s_gl | s_pte[5];                    // completed: G still comes from the first stage
            st <= P_DONE;
          end else begin
            if (ats) perm <= s_grant;
            s_glob <= s_gl | s_pte[5];
            s_gpa <= leaf_pa(s_pte, s_lvl, iova, mutant);
            s_leaf_lvl <= s_pte[63] ? 3'd0 : s_lvl;
            {s_r, s_w, s_x, s_u, s_g} <= {s_pte[1], s_pte[2], s_pte[3], s_pte[4], s_pte[5]};
            if (s_need != 64'd0) begin
              if (!(AMO_HWAD && sade)) fail(FK_PF);       // A/D faulting (SADE=0)
              else begin
                s_ad_bits <= s_need;
                if (g_mode == 4'd0) st <= P_S_AMO;
                else begin                                // the update is an implicit write
                  g_in <= s_pte_gpa; g_acc <= ACC_W; g_impl <= 1'b1; g_implw <= 1'b1;
                  g_final <= 1'b0; ret <= P_S_AMO; st <= P_G_START;
                end
              end
            end else st <= P_G_FINAL;
          end
        end
        P_S_AMO: if (m_req_ready) st <= P_S_AMOW;
        P_S_AMOW: if (m_rsp_valid) begin
          if (m_rsp_err != 2'd0) fail(m_rsp_err == 2'd1 ? FK_ACC : FK_CORRUPT);
          else if (AD_CAS && m_rsp_rdata != s_pte) st <= P_S_RD;   // the PTE changed: read it again
          else st <= P_G_FINAL;
        end
        // ---------------- G stage of the final GPA ----------------
        P_G_FINAL: begin
          if (msi_en && !gonly && msi_match) begin
            is_msi <= 1'b1;
            st <= P_DONE;
          end else if (g_mode == 4'd0) begin
            pa <= s_gpa;
            st <= P_DONE;
          end else begin
            g_in <= s_gpa; g_acc <= gonly ? ACC_R : acc; g_impl <= gonly; g_implw <= 1'b0; g_final <= 1'b1;
            ret <= P_DONE;
            st <= P_G_START;
          end
        end
        P_G_START: begin
          if (!gpa_ok) begin
            iotval2 <= {g_in[63:2], g_implw, g_impl && !mutant_on(mutant, M_IOTVAL2_IMPLICIT_BIT)};
            fail(FK_GPF);
          end else begin
            g_lvl <= g_top;
            g_a <= g_ppn;
            st <= P_G_ADDR;
          end
        end
        P_G_ADDR: begin
          g_pte_addr <= {8'd0, g_a, 12'd0} + {50'd0, g_idx, 3'd0};
          st <= P_G_RD;
        end
        P_G_RD: if (m_req_ready) st <= P_G_RDW;
        P_G_RDW: if (m_rsp_valid) begin
          if (m_rsp_err != 2'd0) fail(m_rsp_err == 2'd1 ? FK_ACC : FK_CORRUPT);
          else begin g_pte <= m_rsp_rdata; st <= P_G_PTE; end
        end
        P_G_PTE: begin
          if (g_k[0] || (g_k[1] && (!(g_lenient ? g_u_ok : g_perm_ok) ||
              (misaligned(g_pte, g_lvl) && !mutant_on(mutant, M_SUPERPAGE_MISALIGN))))) begin
            iotval2 <= {g_in[63:2], g_implw, g_impl && !mutant_on(mutant, M_IOTVAL2_IMPLICIT_BIT)};
            fail(FK_GPF);
          end else if (!g_k[1]) begin
            g_a <= g_pte[53:10];
            g_lvl <= g_lvl - 3'd1;
            st <= P_G_ADDR;
          end else if (g_lenient && !g_grant[0]) begin
            perm <= 3'd0; none <= 1'b1;                   // ATS: nothing granted, no A/D update
            st <= P_DONE;
          end else begin
            if (g_lenient) perm <= g_grant;
            g_out <= leaf_pa(g_pte, g_lvl, g_in, mutant);
            if (g_final) begin
              g_leaf_lvl <= g_pte[63] ? 3'd0 : g_lvl;
              {g_r, g_w, g_x} <= {g_pte[1], g_pte[2], g_pte[3]};
            end
            if (g_need != 64'd0) begin
              if (!(AMO_HWAD && gade)) begin
                iotval2 <= {g_in[63:2], g_implw, g_impl && !mutant_on(mutant, M_IOTVAL2_IMPLICIT_BIT)};
                fail(FK_GPF);
              end else begin
                g_ad_bits <= g_need;
                st <= P_G_AMO;
              end
            end else st <= ret;
          end
        end
        P_G_AMO: if (m_req_ready) st <= P_G_AMOW;
        P_G_AMOW: if (m_rsp_valid) begin
          if (m_rsp_err != 2'd0) fail(m_rsp_err == 2'd1 ? FK_ACC : FK_CORRUPT);
          else if (AD_CAS && m_rsp_rdata != g_pte) st <= P_G_RD;   // the PTE changed: read it again
          else st <= ret;
        end
        P_DONE: begin
          if (g_final && !fault) pa <= g_out;
          done <= 1'b1;
          st <= P_IDLE;
        end
        default: st <= P_IDLE;
      endcase
    end
  end

  // memory requests
  always_comb begin
    m_req_valid = 1'b0; m_req_op = MOP_READ; m_req_addr = 64'd0; m_req_wdata = 64'd0; m_req_cmp = 64'd0;
    case (st)
      P_S_RD:  begin m_req_valid = 1'b1; m_req_addr = s_pte_spa; end
      P_S_AMO: begin m_req_valid = 1'b1; m_req_addr = s_pte_spa;
                     if (AD_CAS) begin m_req_op = MOP_CAS; m_req_wdata = s_pte | s_ad_bits; m_req_cmp = s_pte; end
                     else begin m_req_op = MOP_AMOOR; m_req_wdata = s_ad_bits; end
               end
      P_G_RD:  begin m_req_valid = 1'b1; m_req_addr = g_pte_addr; end
      P_G_AMO: begin m_req_valid = 1'b1; m_req_addr = g_pte_addr;
                     if (AD_CAS) begin m_req_op = MOP_CAS; m_req_wdata = g_pte | g_ad_bits; m_req_cmp = g_pte; end
                     else begin m_req_op = MOP_AMOOR; m_req_wdata = g_ad_bits; end
               end
      default: ;
    endcase
  end

  assign gpa = s_gpa;
  assign lvl_eff = (s_leaf_lvl < g_leaf_lvl) ? s_leaf_lvl : g_leaf_lvl;
  assign busy = (st != P_IDLE);
endmodule
