// The registers of a queue the IOMMU writes into and software reads from: the fault queue (fqb,
// fqh, fqt, fqcsr) and the page-request queue (pqb, pqh, pqt, pqcsr) have the same layout and rules
// (spec "Fault queue" / "Page-request queue" registers): software owns the base and the head, the
// IOMMU the tail and the error bits. One instance per queue. When en is cleared while the engine is
// writing a record, the queue stays on (on = 1, with busy = 1) until that write and its tail or error
// update are done (spec pqcsr.pqen: "may stay active (with busy asserted) until in-flight page-request
// writes are completed"; once on reads 0 no record write is in flight).
module iommu_out_queue_regs
  import iommu_pkg::*;
#(
  parameter logic [63:0] BASE_MASK = 64'h0   // the PPN bits PAS allows, in place
) (
  input  logic        clk,
  input  logic        rst_n,
  input  logic [31:0] mutant,         // the page-request queue's instance only (0 for the fault queue)
  // software writes (w_*: the 4-byte word is written; d_*: its data)
  input  logic        w_b_lo,
  input  logic        w_b_hi,
  input  logic [31:0] d_b_lo,
  input  logic [31:0] d_b_hi,
  input  logic        w_h,
  input  logic [31:0] d_h,
  input  logic        w_csr,
  input  logic [9:0]  d_csr,          // csr bits 9:0: en, ie, then mf (8) and of (9), RW1C
  // the queue engine
  input  logic        tail_inc,
  input  logic        tail_dec,       // the tail steps back (only the fault queue's planted bug fq_tail_before_data)
  input  logic        set_mf,
  input  logic        set_of,
  input  logic        rec_busy,       // a record write (and its tail/error update) is under way
  output logic [63:0] b,
  output logic [31:0] h,
  output logic [31:0] t,
  output logic        en,
  output logic        ie,
  output logic        mf,
  output logic        of,
  output logic [31:0] csr             // the csr as read: on = en, or a record still being written
);
  logic [31:0] mask;
  assign mask = idx_mask(b[4:0]);

  // en a cycle ago: BUG (ovl_prq_enable_tail) clears the tail on en's rising edge, a cycle after the
  // write that set en, so for one cycle the queue is on with the tail it had before the enable.
  logic en_d, t_clear_late;
  assign t_clear_late = mutant_on(mutant, M_OVL_PRQ_ENABLE_TAIL) && en && !en_d;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      b <= 64'd0; h <= 32'd0; t <= 32'd0;
      en <= 1'b0; ie <= 1'b0; mf <= 1'b0; of <= 1'b0; en_d <= 1'b0;
    end else begin
      en_d <= en;
      // A base write while the queue is on is ignored; a base write zeroes the software-owned
      // index (spec: bits 31:LOG2SZ read 0, low bits UNSPECIFIED).
      if (!en && (w_b_lo || w_b_hi)) begin
        if (w_b_lo) b[31:0]  <= d_b_lo & BASE_MASK[31:0] | {27'd0, d_b_lo[4:0]};
        if (w_b_hi) b[63:32] <= d_b_hi & BASE_MASK[63:32];
        h <= 32'd0;
      end else if (w_h) begin
        h <= d_h & mask;
      end
      if (w_csr) begin
        en <= d_csr[0];
        ie <= d_csr[1];
      end
      if (w_csr && d_csr[0] && !en) begin
        // en 0->1: the tail and the error bits are cleared
        if (!mutant_on(mutant, M_OVL_PRQ_ENABLE_TAIL)) t <= 32'd0;
        mf <= 1'b0; of <= 1'b0;
      end else begin
        if (tail_inc) t <= (t + 32'd1) & mask;
        if (tail_dec) t <= (t - 32'd1) & mask;
        if (w_csr) begin
          if (d_csr[8]) mf <= 1'b0;
          if (d_csr[9]) of <= 1'b0;
        end
        if (set_mf) mf <= 1'b1;
        if (set_of) of <= 1'b1;
      end
      if (t_clear_late) t <= 32'd0;
    end
  end

  logic on, busy;
  assign on = en || rec_busy;
  assign busy = !en && rec_busy;
  assign csr = {14'd0, busy, on, 6'd0, of, mf, 6'd0, ie, en};

  logic unused;
  assign unused = ^d_csr[7:2];
endmodule
