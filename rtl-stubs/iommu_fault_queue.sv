// iommu_fault_queue: writes 32-byte fault records at fqb.PPN * 4096 + fqt * 32 (spec:
// iommu_in_memory_queues.adoc, "Fault/Event-Queue"). The queue is full when fqt == fqh - 1;
// a record that finds it full sets fqof and is dropped, as are all records while fqof or fqmf
// is 1 or while the queue is off. A failed record write sets fqmf.
module iommu_fault_queue
  import iommu_pkg::*;
(
  input  logic        clk,
  input  logic        rst_n,
  input  logic [31:0]  mutant,
  // record from the translation engine
  input  logic        rec_valid,
  output logic        rec_ready,
  input  logic [11:0] rec_cause,
  input  logic [5:0]  rec_ttyp,
  input  logic [23:0] rec_did,
  input  logic        rec_pv,
  input  logic [19:0] rec_pid,
  input  logic        rec_priv,
  input  logic [63:0] rec_iotval,
  input  logic [63:0] rec_iotval2,
  // queue registers
  input  logic        fq_on,
  input  logic        fq_err,
  input  logic [4:0]  fq_log2m1,
  input  logic [43:0] fq_ppn,
  input  logic [31:0] fqh,
  input  logic [31:0] fqt,
  output logic        tail_inc,       // fqt moves past the record
  output logic        tail_dec,       // fqt steps back (only the planted bug M_FQ_TAIL_BEFORE_DATA)
  output logic        rec_done,       // a record was written: fip (the same cycle as tail_inc but for that bug)
  output logic        set_of,
  output logic        set_mf,
  // memory client
  output logic        m_req_valid,
  input  logic        m_req_ready,
  output logic [63:0] m_req_addr,
  output logic [63:0] m_req_wdata,
  input  logic        m_rsp_valid,
  input  logic [1:0]  m_rsp_err,
  output logic        rec_busy,       // a record is being written, up to its fqt / fqmf update (fqon)
  output logic        busy
);
  typedef enum logic [1:0] {F_IDLE, F_WR, F_WRW} st_t;
  st_t st;
  logic [63:0] rec [4];
  logic [1:0]  dw;
  logic [31:0] slot;                  // fqt when the record was taken: where it goes once fqt moved on

  // BUG (mutant): the queue reserves the slot by moving fqt as it issues the record's first write,
  // not once the last doubleword is written, so software reading fqt can see a slot not yet written
  // (it writes the record at the slot it latched, and steps fqt back if a write fails)
  logic tail_early;
  assign tail_early = mutant_on(mutant, M_FQ_TAIL_BEFORE_DATA);

  logic [31:0] mask, tail_next;
  logic        full;
  assign mask = idx_mask(fq_log2m1);
  always_comb begin
    tail_next = (fqt + 32'd1) & mask;
    if (mutant_on(mutant, M_FQ_FULL_NO_WRAP)) full = ((fqt + 32'd1) == fqh);   // BUG: no wrap
    else                                full = (tail_next == fqh);
  end

  // Record layout (spec: fault record): CAUSE[11:0] PID[31:12] PV[32] PRIV[33] TTYP[39:34]
  // DID[63:40]; dw1 custom/reserved; dw2 iotval; dw3 iotval2.
  logic [63:0] dw0;
  always_comb begin
    dw0 = {rec_did, rec_ttyp, rec_priv, rec_pv, rec_pid, rec_cause};
    if (mutant_on(mutant, M_FQ_TTYP_SHIFTED))
      dw0 = {rec_did, 1'b0, rec_ttyp, rec_pv, rec_pid, rec_cause};        // BUG: TTYP at [38:33]
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      st <= F_IDLE; dw <= 2'd0; slot <= 32'd0;
      for (int i = 0; i < 4; i++) rec[i] <= 64'd0;
      tail_inc <= 1'b0; tail_dec <= 1'b0; rec_done <= 1'b0; set_of <= 1'b0; set_mf <= 1'b0;
    end else begin
      tail_inc <= 1'b0; tail_dec <= 1'b0; rec_done <= 1'b0; set_of <= 1'b0; set_mf <= 1'b0;
      case (st)
        // only a record the engine sees taken (rec_ready): one arriving while the previous
        // record's tail/error update settles waits, instead of being written twice
        F_IDLE: if (rec_valid && rec_ready) begin
          if (!fq_on || fq_err) begin
            // dropped
          end else if (full) begin
            set_of <= 1'b1;
          end else begin
            rec[0] <= dw0; rec[1] <= 64'd0; rec[2] <= rec_iotval; rec[3] <= rec_iotval2;
            dw <= 2'd0; slot <= fqt;
            st <= F_WR;
          end
        end
        F_WR: if (m_req_ready) begin
          st <= F_WRW;
          if (tail_early && dw == 2'd0) tail_inc <= 1'b1;              // BUG: the tail before the data
        end
        F_WRW: if (m_rsp_valid) begin
          if (m_rsp_err != 2'd0) begin
            set_mf <= 1'b1; st <= F_IDLE;
            if (tail_early) tail_dec <= 1'b1;
          end else if (dw == 2'd3) begin
            if (!tail_early) tail_inc <= 1'b1;
            rec_done <= 1'b1; st <= F_IDLE;
          end else begin
            dw <= dw + 2'd1; st <= F_WR;
          end
        end
        default: st <= F_IDLE;
      endcase
    end
  end

  assign rec_ready = (st == F_IDLE) && !rec_done && !set_of && !set_mf;
  assign m_req_valid = (st == F_WR);
  assign m_req_addr = {8'd0, fq_ppn, 12'd0} + {27'd0, tail_early ? slot : fqt, 5'd0} + {59'd0, dw, 3'd0};
  assign m_req_wdata = rec[dw];
  assign busy = (st != F_IDLE) || rec_done || set_of || set_mf;
  // fqon stays 1 (with busy) after fqen is cleared until the record under way is written and fqt moved (spec
  // fqcsr.fqen: "the fault-queue may stay active (with busy asserted) until in-flight fault-record writes are
  // completed"; "When fqon reads 0, the IOMMU guarantees that there are no older in-flight implicit writes").
  assign rec_busy = (st != F_IDLE) || tail_inc || rec_done || set_mf;
endmodule
