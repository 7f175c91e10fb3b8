// iommu_iotlb: caches complete IOVA -> SPA translations (both stages combined; the page size is
// the smaller of the two stages). Tagged as the spec's caching table says: first stage by
// (GSCID if G active) + PSCID + IOVA, G-stage-only by GSCID + GPA (spec: "Caching in-memory data
// structures"). Invalidated by IOTINVAL.VMA / IOTINVAL.GVMA. A hit only serves accesses its
// cached permissions allow without an A/D update; anything else walks again.
// Entries are also tagged with the requester (device_id, process_id): caching less than the
// spec allows is always legal, and it keeps two devices (or processes) that software gave the
// same PSCID/GSCID but different tables from ever sharing an entry.
module iommu_iotlb
  import iommu_pkg::*;
#(
  parameter int N = 8
) (
  input  logic        clk,
  input  logic        rst_n,
  input  logic [31:0]  mutant,
  // lookup (combinational)
  input  logic [23:0] lk_did,
  input  logic        lk_pv,
  input  logic [19:0] lk_pid,
  input  logic        lk_gv,
  input  logic [15:0] lk_gscid,
  input  logic        lk_pscv,
  input  logic [19:0] lk_pscid,
  input  logic [51:0] lk_vpn,
  input  logic [1:0]  lk_acc,        // 0 read, 1 write, 2 exec
  input  logic        lk_priv_s,
  input  logic        lk_sum,
  output logic        lk_hit,
  output logic [63:0] lk_pa,         // page base | offset for lk_vpn (bits 11:0 = 0)
  // fill
  input  logic        walk_start,
  input  logic        fill,
  input  logic        f_gv,
  input  logic [15:0] f_gscid,
  input  logic        f_pscv,
  input  logic [19:0] f_pscid,
  input  logic [51:0] f_vpn,
  input  logic [1:0]  f_lvl,
  input  logic [43:0] f_ppn,         // SPA page number of f_vpn
  input  logic        f_r, f_w, f_x, f_u, f_g, f_dirty,
  // invalidation
  input  logic        inv,
  input  logic        inv_gvma,      // 0 IOTINVAL.VMA, 1 IOTINVAL.GVMA
  input  logic        inv_av,
  input  logic        inv_pscv,
  input  logic        inv_gv,
  input  logic [19:0] inv_pscid,
  input  logic [15:0] inv_gscid,
  input  logic [51:0] inv_vpn,
  input  logic        flush
);
  typedef struct packed {
    logic [23:0] did;
    logic        pv;
    logic [19:0] pid;
    logic        gv;
    logic [15:0] gscid;
    logic        pscv;
    logic [19:0] pscid;
    logic [51:0] vpn;
    logic [1:0]  lvl;
    logic [43:0] ppn;
    logic        r, w, x, u, g, dirty;
  } ent_t;

  logic [N-1:0] v;
  ent_t         e [N];
  logic [$clog2(N)-1:0] rr;
  logic         armed;

  function automatic logic [51:0] lvl_mask(input logic [1:0] l);
    lvl_mask = ~((52'd1 << (9 * int'(l))) - 52'd1);
  endfunction

  function automatic logic [43:0] ppn_mask(input logic [1:0] l);
    ppn_mask = ~((44'd1 << (9 * int'(l))) - 44'd1);
  endfunction

  // whole PTEs / entries are passed; not every bit is used
  /* verilator lint_off UNUSEDSIGNAL */
  function automatic logic perm_ok(input ent_t x, input logic [1:0] a, input logic ps,
                                   input logic sm, input logic [31:0] mut);
    logic ok;
    case (a)
      2'd1:    ok = x.w & x.dirty;
      2'd2:    ok = x.x;
      default: ok = x.r;
    endcase
    if (x.pscv && !mutant_on(mut, M_IOTLB_U_UNCHECKED)) begin   // BUG (mutant): no U/SUM check on a hit
      if (!ps && !x.u) ok = 1'b0;
      if (ps && x.u && (a == 2'd2 || !sm)) ok = 1'b0;
    end
    perm_ok = ok;
  endfunction
  /* verilator lint_on UNUSEDSIGNAL */

  always_comb begin
    lk_hit = 1'b0;
    lk_pa = 64'd0;
    for (int i = 0; i < N; i++) begin
      if (v[i] && e[i].did == lk_did && e[i].pv == lk_pv && e[i].pid == lk_pid &&
          e[i].gv == lk_gv && (!lk_gv || e[i].gscid == lk_gscid) &&
          e[i].pscv == lk_pscv &&
          (!lk_pscv || e[i].g || e[i].pscid == lk_pscid) &&
          ((e[i].vpn ^ lk_vpn) & lvl_mask(e[i].lvl)) == 52'd0 &&
          perm_ok(e[i], lk_acc, lk_priv_s, lk_sum, mutant)) begin
        lk_hit = 1'b1;
        lk_pa = {8'd0, (e[i].ppn & ppn_mask(e[i].lvl)) | (lk_vpn[43:0] & ~ppn_mask(e[i].lvl)),
                 12'd0};
      end
    end
  end

  // Does an invalidation cover entry x? (spec: IOTINVAL.VMA and IOTINVAL.GVMA tables)
  // whole PTEs / entries are passed; not every bit is used
  /* verilator lint_off UNUSEDSIGNAL */
  function automatic logic inv_hit(input ent_t x);
    logic h;
    if (!inv_gvma) begin
      // VMA: GV selects the host (GV=0) or the VM of GSCID (GV=1)
      h = inv_gv ? (x.gv && x.gscid == inv_gscid) : !x.gv;
      if (inv_pscv) h = h && x.pscv && !x.g && x.pscid == inv_pscid;
      if (inv_av) begin
        if (mutant_on(mutant, M_INVAL_VMA_SUPERPAGE)) h = h && (x.vpn == inv_vpn);    // BUG: exact VPN
        else h = h && (((x.vpn ^ inv_vpn) & lvl_mask(x.lvl)) == 52'd0);
      end
    end else begin
      // GVMA: G-stage mappings of all VMs (GV=0) or of GSCID (GV=1); the GPA of a combined
      // entry is not kept, so an address-selective GVMA drops every entry of the GSCID.
      h = x.gv && (!inv_gv || x.gscid == inv_gscid);
      if (mutant_on(mutant, M_INVAL_GVMA_BARE_ONLY)) h = h && !x.pscv;                 // BUG
    end
    inv_hit = h;
  endfunction
  /* verilator lint_on UNUSEDSIGNAL */

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      v <= '0; rr <= '0; armed <= 1'b0;
      for (int i = 0; i < N; i++) e[i] <= '0;
    end else begin
      if (walk_start) armed <= 1'b1;
      // an invalidation in the fill's own cycle is checked against the entry being replaced,
      // not the new one: the fill is dropped like one whose walk saw an invalidation
      if (fill && armed && !inv && !flush) begin
        v[rr] <= 1'b1;
        e[rr] <= '{did: lk_did, pv: lk_pv, pid: lk_pid, gv: f_gv, gscid: f_gscid, pscv: f_pscv, pscid: f_pscid,
                   vpn: f_vpn & lvl_mask(f_lvl), lvl: f_lvl, ppn: f_ppn & ppn_mask(f_lvl),
                   r: f_r, w: f_w, x: f_x, u: f_u, g: f_g, dirty: f_dirty};
        rr <= rr + 1'b1;
        armed <= 1'b0;
      end
      if (flush) begin
        v <= '0; armed <= 1'b0;
      end else if (inv) begin
        // BUG (mutant): a walk under way is not told of the invalidation; its fill lands after it
        if (!mutant_on(mutant, M_OVL_IOTLB_STALE_FILL)) armed <= 1'b0;
        for (int i = 0; i < N; i++) if (inv_hit(e[i])) v[i] <= 1'b0;
      end
    end
  end
endmodule
