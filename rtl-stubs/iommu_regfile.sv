// iommu_regfile: the memory-mapped register page (spec: iommu_registers.adoc).
// Registers are little-endian; 4- and 8-byte accesses; an 8-byte access acts on two 32-bit
// words. The page-request-queue registers (pqb, pqh, pqt, pqcsr) exist when capabilities.ATS=1;
// the page-request queue engine advances pqt and sets pqof/pqmf; ipsr.pip is set (with pie) by a
// new record, pqof or pqmf. Absent optional registers (HPM, debug, qosid, msi_cfg_tbl with IGS=WSI)
// read 0 and ignore writes. The queue and translation engines report events through *_set/_inc pulses.
module iommu_regfile
  import iommu_pkg::*;
#(
  parameter logic [63:0] CAPS = 64'h0,
  parameter int unsigned PAS = 56
) (
  input  logic        clk,
  input  logic        rst_n,
  input  logic [31:0]  mutant,
  // register port
  input  logic        req_valid,
  input  logic        req_write,
  input  logic [11:0] req_offset,
  input  logic        req_size8,
  input  logic [63:0] req_wdata,
  output logic        rsp_valid,
  output logic [63:0] rsp_rdata,
  // configuration to the engines
  output logic [3:0]  ddtp_mode,
  output logic [43:0] ddtp_ppn,
  output logic        ddtp_written,   // pulse: ddtp was written (caches are flushed)
  output logic [4:0]  cq_log2m1,
  output logic [43:0] cq_ppn,
  output logic [31:0] cqh,
  output logic [31:0] cqt,
  output logic        cq_on,
  output logic        cq_stalled,     // cqmf or cmd_ill or cmd_to: the CQ does not advance
  output logic [4:0]  fq_log2m1,
  output logic [43:0] fq_ppn,
  output logic [31:0] fqh,
  output logic [31:0] fqt,
  output logic        fq_on,
  output logic        fq_err,         // fqmf or fqof: new records are dropped
  output logic [4:0]  pq_log2m1,
  output logic [43:0] pq_ppn,
  output logic [31:0] pqh,
  output logic [31:0] pqt,
  output logic        pq_on,
  output logic        pq_mf,
  output logic        pq_of,
  // events from the engines
  input  logic        cq_head_inc,
  input  logic        cq_set_ill,
  input  logic        cq_set_mf,
  input  logic        cq_set_fwip,
  input  logic        fq_tail_inc,
  input  logic        fq_tail_dec,    // only the planted bug fq_tail_before_data: a failed record steps fqt back
  input  logic        fq_rec_done,    // a fault record was written (sets fip): with fq_tail_inc but for that bug
  input  logic        fq_set_of,
  input  logic        fq_set_mf,
  input  logic        pq_tail_inc,
  input  logic        pq_set_of,
  input  logic        pq_set_mf,
  input  logic        fq_rec_busy,    // the fault queue is writing a record
  input  logic        pq_rec_busy,    // the page-request queue is writing a record
  // interrupt wires (WSI: ipsr bit drives the line icvec selects)
  output logic [15:0] irq
);

  // ---- state ----
  logic [63:0] ddtp_q;
  logic [63:0] cqb_q;
  logic [31:0] cqh_q, cqt_q;
  logic        cqen_q, cie_q;
  logic        cqmf_q, cmd_to_q, cmd_ill_q, fwip_q;
  logic        cip_q, fip_q, pmip_q, pip_q;
  logic [15:0] icvec_q;
  // The fault and page-request queues' registers (instances u_fq, u_pq below).
  logic [63:0] fqb_q, pqb_q;
  logic [31:0] fqh_q, fqt_q, fqcsr_rd, pqh_q, pqt_q, pqcsr_rd;
  logic        fqen_q, fie_q, fqmf_q, fqof_q, pqen_q, pie_q, pqmf_q, pqof_q;
  localparam bit HAS_PQ = CAPS[25];      // capabilities.ATS

  // PPN fields are WARL: only bits below PAS are implemented (ppn is PAS-12 bits wide).
  localparam logic [43:0] PPN_MASK = 44'((45'd1 << (PAS - 12)) - 45'd1);
  localparam logic [63:0] BASE_MASK = {10'd0, PPN_MASK, 10'd0};


  // ---- word-level write decode ----
  logic        wr;
  assign wr = req_valid & req_write;
  function automatic logic hit(input logic [11:0] a, input logic [11:0] off, input logic s8);
    hit = (off == a) | (s8 & ((off + 12'd4) == a));
  endfunction
  function automatic logic [31:0] wd(input logic [11:0] a, input logic [11:0] off,
                                     input logic [63:0] d);
    wd = (off == a) ? d[31:0] : d[63:32];
  endfunction

  logic        w_ddtp_lo, w_ddtp_hi, w_cqb_lo, w_cqb_hi, w_fqb_lo, w_fqb_hi;
  logic        w_cqt, w_fqh, w_cqcsr, w_fqcsr, w_ipsr, w_icvec;
  logic        w_pqb_lo, w_pqb_hi, w_pqh, w_pqcsr;
  assign w_pqb_lo  = HAS_PQ & wr & hit(R_PQB, req_offset, req_size8);
  assign w_pqb_hi  = HAS_PQ & wr & hit(R_PQB + 12'd4, req_offset, req_size8);
  assign w_pqh     = HAS_PQ & wr & hit(R_PQH, req_offset, req_size8);
  assign w_pqcsr   = HAS_PQ & wr & hit(R_PQCSR, req_offset, req_size8);
  assign w_ddtp_lo = wr & hit(R_DDTP, req_offset, req_size8);
  assign w_ddtp_hi = wr & hit(R_DDTP + 12'd4, req_offset, req_size8);
  assign w_cqb_lo  = wr & hit(R_CQB, req_offset, req_size8);
  assign w_cqb_hi  = wr & hit(R_CQB + 12'd4, req_offset, req_size8);
  assign w_fqb_lo  = wr & hit(R_FQB, req_offset, req_size8);
  assign w_fqb_hi  = wr & hit(R_FQB + 12'd4, req_offset, req_size8);
  assign w_cqt     = wr & hit(R_CQT, req_offset, req_size8);
  assign w_fqh     = wr & hit(R_FQH, req_offset, req_size8);
  assign w_cqcsr   = wr & hit(R_CQCSR, req_offset, req_size8);
  assign w_fqcsr   = wr & hit(R_FQCSR, req_offset, req_size8);
  assign w_ipsr    = wr & hit(R_IPSR, req_offset, req_size8);
  assign w_icvec   = wr & hit(R_ICVEC, req_offset, req_size8);

  logic [31:0] d_ddtp_lo, d_ddtp_hi, d_cqb_lo, d_cqb_hi, d_fqb_lo, d_fqb_hi;
  logic [31:0] d_cqt, d_fqh, d_cqcsr, d_fqcsr, d_ipsr, d_icvec;
  logic [31:0] d_pqb_lo, d_pqb_hi, d_pqh, d_pqcsr;
  assign d_pqb_lo  = wd(R_PQB, req_offset, req_wdata);
  assign d_pqb_hi  = wd(R_PQB + 12'd4, req_offset, req_wdata);
  assign d_pqh     = wd(R_PQH, req_offset, req_wdata);
  assign d_pqcsr   = wd(R_PQCSR, req_offset, req_wdata);
  assign d_ddtp_lo = wd(R_DDTP, req_offset, req_wdata);
  assign d_ddtp_hi = wd(R_DDTP + 12'd4, req_offset, req_wdata);
  assign d_cqb_lo  = wd(R_CQB, req_offset, req_wdata);
  assign d_cqb_hi  = wd(R_CQB + 12'd4, req_offset, req_wdata);
  assign d_fqb_lo  = wd(R_FQB, req_offset, req_wdata);
  assign d_fqb_hi  = wd(R_FQB + 12'd4, req_offset, req_wdata);
  assign d_cqt     = wd(R_CQT, req_offset, req_wdata);
  assign d_fqh     = wd(R_FQH, req_offset, req_wdata);
  assign d_cqcsr   = wd(R_CQCSR, req_offset, req_wdata);
  assign d_fqcsr   = wd(R_FQCSR, req_offset, req_wdata);
  assign d_ipsr    = wd(R_IPSR, req_offset, req_wdata);
  assign d_icvec   = wd(R_ICVEC, req_offset, req_wdata);

  // ddtp.iommu_mode is WARL: Off, Bare, 1LVL, 2LVL, 3LVL are supported; any other value
  // (reserved 5..13, custom 14..15) leaves the field unchanged.
  logic mode_legal;
  always_comb begin
    if (mutant_on(mutant, M_DDTP_MODE_WARL)) mode_legal = (d_ddtp_lo[3] == 1'b0);   // BUG: 5..7 stick
    else                            mode_legal = (d_ddtp_lo[3:0] <= MODE_3LVL);
  end

  logic [63:0] ddtp_new;
  always_comb begin
    ddtp_new = ddtp_q;
    if (w_ddtp_lo) begin
      ddtp_new[31:10] = d_ddtp_lo[31:10];
      if (mode_legal) ddtp_new[3:0] = d_ddtp_lo[3:0];
    end
    if (w_ddtp_hi) ddtp_new[63:32] = d_ddtp_hi;
    ddtp_new = ddtp_new & {10'd0, PPN_MASK, 6'd0, 4'hF};  // busy and reserved bits read 0
  end

  logic [31:0] cq_mask;
  assign cq_mask = idx_mask(cqb_q[4:0]);

  // The two queues the IOMMU writes into: same registers, same rules.
  iommu_out_queue_regs #(.BASE_MASK(BASE_MASK)) u_fq (
    .clk, .rst_n, .mutant(32'd0),
    .w_b_lo(w_fqb_lo), .w_b_hi(w_fqb_hi), .d_b_lo(d_fqb_lo), .d_b_hi(d_fqb_hi),
    .w_h(w_fqh), .d_h(d_fqh), .w_csr(w_fqcsr), .d_csr(d_fqcsr[9:0]),
    .tail_inc(fq_tail_inc), .tail_dec(fq_tail_dec), .set_mf(fq_set_mf), .set_of(fq_set_of), .rec_busy(fq_rec_busy),
    .b(fqb_q), .h(fqh_q), .t(fqt_q), .en(fqen_q), .ie(fie_q), .mf(fqmf_q), .of(fqof_q), .csr(fqcsr_rd));
  iommu_out_queue_regs #(.BASE_MASK(BASE_MASK)) u_pq (
    .clk, .rst_n, .mutant,
    .w_b_lo(w_pqb_lo), .w_b_hi(w_pqb_hi), .d_b_lo(d_pqb_lo), .d_b_hi(d_pqb_hi),
    .w_h(w_pqh), .d_h(d_pqh), .w_csr(w_pqcsr), .d_csr(d_pqcsr[9:0]),
    .tail_inc(pq_tail_inc), .tail_dec(1'b0), .set_mf(pq_set_mf), .set_of(pq_set_of), .rec_busy(pq_rec_busy),
    .b(pqb_q), .h(pqh_q), .t(pqt_q), .en(pqen_q), .ie(pie_q), .mf(pqmf_q), .of(pqof_q), .csr(pqcsr_rd));

  // The condition that (re)sets each ipsr bit (spec: ipsr fields; a bit cleared while its
  // condition still holds is set again).
  logic cip_cond, fip_cond, pip_cond;
  assign pip_cond = pie_q & (pqof_q | pqmf_q | pq_tail_inc);
  assign cip_cond = cie_q & (fwip_q | cmd_ill_q | cmd_to_q | cqmf_q);
  always_comb begin
    if (mutant_on(mutant, M_FIP_WITHOUT_FIE)) fip_cond = fqof_q | fqmf_q | fq_rec_done;   // BUG: no fie
    else                             fip_cond = fie_q & (fqof_q | fqmf_q | fq_rec_done);
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      ddtp_q <= 64'd0;              // iommu_mode resets to Off
      cqb_q <= 64'd0;
      cqh_q <= 32'd0; cqt_q <= 32'd0;
      cqen_q <= 1'b0; cie_q <= 1'b0;
      cqmf_q <= 1'b0; cmd_to_q <= 1'b0; cmd_ill_q <= 1'b0; fwip_q <= 1'b0;
      cip_q <= 1'b0; fip_q <= 1'b0; pmip_q <= 1'b0; pip_q <= 1'b0;
      icvec_q <= 16'd0;
    end else begin
      ddtp_q <= ddtp_new;
      // cqb: a write while the queue is on is ignored; a base write zeroes the software-owned
      // index (spec: bits 31:LOG2SZ read 0, low bits UNSPECIFIED).
      if (!cqen_q && (w_cqb_lo || w_cqb_hi)) begin
        if (w_cqb_lo) cqb_q[31:0]  <= d_cqb_lo & BASE_MASK[31:0] | {27'd0, d_cqb_lo[4:0]};
        if (w_cqb_hi) cqb_q[63:32] <= d_cqb_hi & BASE_MASK[63:32];
        cqt_q <= 32'd0;
      end else if (w_cqt) begin
        cqt_q <= d_cqt & cq_mask;
      end
      // cqcsr
      if (w_cqcsr) begin
        cqen_q <= d_cqcsr[0];
        cie_q  <= d_cqcsr[1];
      end
      if (w_cqcsr && d_cqcsr[0] && !cqen_q) begin
        // cqen 0->1: cqh and the error/fence bits are cleared
        cqh_q <= 32'd0;
        cqmf_q <= 1'b0; cmd_to_q <= 1'b0; cmd_ill_q <= 1'b0; fwip_q <= 1'b0;
      end else begin
        if (cq_head_inc) begin
          if (mutant_on(mutant, M_CQH_NO_WRAP)) cqh_q <= cqh_q + 32'd1;            // BUG: no wrap
          else                         cqh_q <= (cqh_q + 32'd1) & cq_mask;
        end
        if (w_cqcsr && mutant_on(mutant, M_CQCSR_RW1C_AS_RW)) begin
          // BUG: the error bits are written like RW bits
          cqmf_q <= d_cqcsr[8]; cmd_to_q <= d_cqcsr[9];
          cmd_ill_q <= d_cqcsr[10]; fwip_q <= d_cqcsr[11];
        end else if (w_cqcsr) begin
          if (d_cqcsr[8])  cqmf_q    <= 1'b0;
          if (d_cqcsr[9])  cmd_to_q  <= 1'b0;
          if (d_cqcsr[10]) cmd_ill_q <= 1'b0;
          if (d_cqcsr[11]) fwip_q    <= 1'b0;
        end
        if (cq_set_mf)   cqmf_q    <= 1'b1;
        if (cq_set_ill)  cmd_ill_q <= 1'b1;
        if (cq_set_fwip) fwip_q    <= 1'b1;
      end

      // ipsr: RW1C; set again while the condition holds
      cip_q  <= (cip_q  & ~(w_ipsr & d_ipsr[0])) | cip_cond;
      fip_q  <= (fip_q  & ~(w_ipsr & d_ipsr[1])) | fip_cond;
      pmip_q <= pmip_q & ~(w_ipsr & d_ipsr[2]);    // no HPM: never set
      pip_q  <= (pip_q & ~(w_ipsr & d_ipsr[3])) | pip_cond;

      if (w_icvec) icvec_q <= d_icvec[15:0];
    end
  end

  // ---- reads ----
  function automatic logic [31:0] rd32(input logic [11:0] a);
    case (a)
      12'd0:   rd32 = CAPS[31:0];
      12'd4:   rd32 = CAPS[63:32];
      12'd8:   rd32 = {29'd0, 1'b0 /*GXL*/, 1'b1 /*WSI*/, 1'b0 /*BE*/};
      12'd16:  rd32 = ddtp_q[31:0];
      12'd20:  rd32 = ddtp_q[63:32];
      12'd24:  rd32 = cqb_q[31:0];
      12'd28:  rd32 = cqb_q[63:32];
      12'd32:  rd32 = cqh_q;
      12'd36:  rd32 = cqt_q;
      12'd40:  rd32 = fqb_q[31:0];
      12'd44:  rd32 = fqb_q[63:32];
      12'd48:  rd32 = fqh_q;
      12'd52:  rd32 = fqt_q;
      12'd56:  rd32 = HAS_PQ ? pqb_q[31:0] : 32'd0;
      12'd60:  rd32 = HAS_PQ ? pqb_q[63:32] : 32'd0;
      12'd64:  rd32 = HAS_PQ ? pqh_q : 32'd0;
      12'd68:  rd32 = HAS_PQ ? pqt_q : 32'd0;
      12'd80:  rd32 = HAS_PQ ? pqcsr_rd : 32'd0;
      12'd72:  rd32 = {14'd0, 1'b0 /*busy*/, cqen_q /*cqon*/, 4'd0,
                       fwip_q, cmd_ill_q, cmd_to_q, cqmf_q, 6'd0, cie_q, cqen_q};
      12'd76:  rd32 = fqcsr_rd;
      12'd84:  rd32 = {28'd0, pip_q, pmip_q, fip_q, cip_q};
      12'd760: rd32 = {16'd0, icvec_q};
      default: rd32 = 32'd0;
    endcase
  endfunction

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      rsp_valid <= 1'b0;
      rsp_rdata <= 64'd0;
    end else begin
      rsp_valid <= req_valid;
      if (req_valid && !req_write)
        rsp_rdata <= req_size8 ? {rd32(req_offset + 12'd4), rd32(req_offset)}
                               : {32'd0, rd32(req_offset)};
      else
        rsp_rdata <= 64'd0;
    end
  end

  // ---- outputs ----
  assign ddtp_mode    = ddtp_q[3:0];
  assign ddtp_ppn     = ddtp_q[53:10];
  assign ddtp_written = w_ddtp_lo | w_ddtp_hi;
  assign cq_log2m1    = cqb_q[4:0];
  assign cq_ppn       = cqb_q[53:10];
  assign cqh          = cqh_q;
  assign cqt          = cqt_q;
  assign cq_on        = cqen_q;
  assign cq_stalled   = cqmf_q | cmd_ill_q | cmd_to_q;
  assign fq_log2m1    = fqb_q[4:0];
  assign fq_ppn       = fqb_q[53:10];
  assign fqh          = fqh_q;
  assign fqt          = fqt_q;
  assign fq_on        = fqen_q;
  assign fq_err       = fqmf_q | fqof_q;
  assign pq_log2m1    = pqb_q[4:0];
  assign pq_ppn       = pqb_q[53:10];
  assign pqh          = pqh_q;
  assign pqt          = pqt_q;
  assign pq_on        = pqen_q;
  assign pq_mf        = pqmf_q;
  assign pq_of        = pqof_q;

  always_comb begin
    irq = 16'd0;
    irq[icvec_q[3:0]]   = irq[icvec_q[3:0]]   | cip_q;
    irq[icvec_q[7:4]]   = irq[icvec_q[7:4]]   | fip_q;
    irq[icvec_q[11:8]]  = irq[icvec_q[11:8]]  | pmip_q;
    irq[icvec_q[15:12]] = irq[icvec_q[15:12]] | pip_q;
  end


  logic unused;
  assign unused = ^{d_ddtp_lo[9:4], d_cqcsr[31:12], d_cqcsr[7:2], d_fqcsr[31:10],
                    d_ipsr[31:4], d_icvec[31:16], d_pqcsr[31:10]};
endmodule
