// tb_lockstep_iommu_axi: self-test of the AXI wrapper of the built-in DUT (Verilator --binary
// --timing). An AXI testbench: register accesses over the programming port (4-byte accesses on a
// 32-bit bus, an 8-byte register as two of them, high half first), translations through the device
// port, and a memory model behind m_mem_ that answers bursts with latency and reordering across
// IDs (in order per ID), AXI5 AtomicCompare and injected SLVERR; the translated-output port
// answers reads with their address, as the generic harness does. Each check states the result the
// built-in DUT gives on its native ports. +seed=N, +mutant=N (a planted bug must make a check fail),
// +reorder (check that this seed's memory model did reorder across IDs), +verbose (every handshake).
`timescale 1ns/1ps
/* verilator lint_off UNUSEDSIGNAL */
/* verilator lint_off BLKSEQ */
module tb_lockstep_iommu_axi
  import iommu_pkg::*;
#(
  parameter int PROG_W = 32,
  parameter int ATOP = 1
);
  logic clk = 1'b0;
  logic rst_n = 1'b0;
  logic [31:0] mutant = 32'd0;
  always #5 clk = ~clk;

  logic                        s_prog_awvalid;
  logic                        s_prog_awready;
  logic [11:0]                 s_prog_awaddr;
  logic [2:0]                  s_prog_awprot;
  logic                        s_prog_wvalid;
  logic                        s_prog_wready;
  logic [PROG_W-1:0]           s_prog_wdata;
  logic [PROG_W/8-1:0]         s_prog_wstrb;
  logic                        s_prog_bvalid;
  logic                        s_prog_bready;
  logic [1:0]                  s_prog_bresp;
  logic                        s_prog_arvalid;
  logic                        s_prog_arready;
  logic [11:0]                 s_prog_araddr;
  logic [2:0]                  s_prog_arprot;
  logic                        s_prog_rvalid;
  logic                        s_prog_rready;
  logic [PROG_W-1:0]           s_prog_rdata;
  logic [1:0]                  s_prog_rresp;
  logic                        s_dev_awvalid;
  logic                        s_dev_awready;
  logic [4-1:0]                s_dev_awid;
  logic [63:0]                 s_dev_awaddr;
  logic [7:0]                  s_dev_awlen;
  logic [2:0]                  s_dev_awsize;
  logic [1:0]                  s_dev_awburst;
  logic [2:0]                  s_dev_awprot;
  logic [23:0]                 s_dev_awmmusid;
  logic                        s_dev_awmmussidv;
  logic [19:0]                 s_dev_awmmussid;
  logic                        s_dev_awmmuatst;
  logic                        s_dev_wvalid;
  logic                        s_dev_wready;
  logic [63:0]                 s_dev_wdata;
  logic [7:0]                  s_dev_wstrb;
  logic                        s_dev_wlast;
  logic                        s_dev_bvalid;
  logic                        s_dev_bready;
  logic [4-1:0]                s_dev_bid;
  logic [1:0]                  s_dev_bresp;
  logic                        s_dev_arvalid;
  logic                        s_dev_arready;
  logic [4-1:0]                s_dev_arid;
  logic [63:0]                 s_dev_araddr;
  logic [7:0]                  s_dev_arlen;
  logic [2:0]                  s_dev_arsize;
  logic [1:0]                  s_dev_arburst;
  logic [2:0]                  s_dev_arprot;
  logic [23:0]                 s_dev_armmusid;
  logic                        s_dev_armmussidv;
  logic [19:0]                 s_dev_armmussid;
  logic                        s_dev_armmuatst;
  logic                        s_dev_rvalid;
  logic                        s_dev_rready;
  logic [4-1:0]                s_dev_rid;
  logic [63:0]                 s_dev_rdata;
  logic [1:0]                  s_dev_rresp;
  logic                        s_dev_rlast;
  logic                        m_out_awvalid;
  logic                        m_out_awready;
  logic [4-1:0]                m_out_awid;
  logic [63:0]                 m_out_awaddr;
  logic [7:0]                  m_out_awlen;
  logic [2:0]                  m_out_awsize;
  logic [1:0]                  m_out_awburst;
  logic [1:0]                  m_out_awpbmt;
  logic                        m_out_wvalid;
  logic                        m_out_wready;
  logic [63:0]                 m_out_wdata;
  logic [7:0]                  m_out_wstrb;
  logic                        m_out_wlast;
  logic                        m_out_bvalid;
  logic                        m_out_bready;
  logic [4-1:0]                m_out_bid;
  logic [1:0]                  m_out_bresp;
  logic                        m_out_arvalid;
  logic                        m_out_arready;
  logic [4-1:0]                m_out_arid;
  logic [63:0]                 m_out_araddr;
  logic [7:0]                  m_out_arlen;
  logic [2:0]                  m_out_arsize;
  logic [1:0]                  m_out_arburst;
  logic [1:0]                  m_out_arpbmt;
  logic                        m_out_rvalid;
  logic                        m_out_rready;
  logic [4-1:0]                m_out_rid;
  logic [63:0]                 m_out_rdata;
  logic [1:0]                  m_out_rresp;
  logic                        m_out_rlast;
  logic                        m_mem_awvalid;
  logic                        m_mem_awready;
  logic [4-1:0]                m_mem_awid;
  logic [63:0]                 m_mem_awaddr;
  logic [7:0]                  m_mem_awlen;
  logic [2:0]                  m_mem_awsize;
  logic [1:0]                  m_mem_awburst;
  logic [5:0]                  m_mem_awatop;
  logic                        m_mem_wvalid;
  logic                        m_mem_wready;
  logic [63:0]                 m_mem_wdata;
  logic [7:0]                  m_mem_wstrb;
  logic                        m_mem_wlast;
  logic                        m_mem_bvalid;
  logic                        m_mem_bready;
  logic [4-1:0]                m_mem_bid;
  logic [1:0]                  m_mem_bresp;
  logic                        m_mem_arvalid;
  logic                        m_mem_arready;
  logic [4-1:0]                m_mem_arid;
  logic [63:0]                 m_mem_araddr;
  logic [7:0]                  m_mem_arlen;
  logic [2:0]                  m_mem_arsize;
  logic [1:0]                  m_mem_arburst;
  logic                        m_mem_rvalid;
  logic                        m_mem_rready;
  logic [4-1:0]                m_mem_rid;
  logic [63:0]                 m_mem_rdata;
  logic [1:0]                  m_mem_rresp;
  logic                        m_mem_rlast;
  logic                        m_mem_rpoison;
  logic [15:0]                 irq;
  logic                        ats_req_valid;
  logic                        ats_req_ready;
  logic [15:0]                 ats_req_tag;
  logic [23:0]                 ats_req_did;
  logic                        ats_req_pv;
  logic [19:0]                 ats_req_pid;
  logic                        ats_req_priv;
  logic                        ats_req_nw;
  logic                        ats_req_exe;
  logic [63:0]                 ats_req_iova;
  logic                        ats_req_cxl;
  logic                        ats_cpl_valid;
  logic                        ats_cpl_ready;
  logic [15:0]                 ats_cpl_tag;
  logic [1:0]                  ats_cpl_status;
  logic [63:0]                 ats_cpl_addr;
  logic                        ats_cpl_r;
  logic                        ats_cpl_w;
  logic                        ats_cpl_x;
  logic                        ats_cpl_u;
  logic                        ats_cpl_g;
  logic                        ats_cpl_s;
  logic                        ats_cpl_priv;
  logic                        ats_cpl_cxl;
  logic                        msg_valid;
  logic                        msg_ready;
  logic                        msg_prgr;
  logic [15:0]                 msg_rid;
  logic                        msg_dsv;
  logic [7:0]                  msg_dseg;
  logic                        msg_pv;
  logic [19:0]                 msg_pid;
  logic [63:0]                 msg_payload;
  logic                        ats_inv_cpl_valid;
  logic                        pr_req_valid;
  logic                        pr_req_ready;
  logic [23:0]                 pr_req_did;
  logic                        pr_req_pv;
  logic [19:0]                 pr_req_pid;
  logic                        pr_req_priv;
  logic                        pr_req_exec;
  logic                        pr_req_dsv;
  logic [63:0]                 pr_req_payload;
  logic                        obs_cause_valid;
  logic [11:0]                 obs_cause;
  logic                        idle;
  logic [31:0]                 cqh, fqt, pqt;

  lockstep_iommu_axi #(.PROG_DATA_W(PROG_W), .MEM_ATOP(ATOP)) dut (.*);

  int errors = 0;
  longint unsigned cycle = 0;
  int unsigned seed = 1;
  always @(posedge clk) cycle <= cycle + 1;

  task automatic check(input bit ok, input string what);
    if (!ok) begin errors++; $display("FAIL (cycle %0d): %s", cycle, what); end
  endtask
  task automatic check64(input logic [63:0] got, input logic [63:0] exp, input string what);
    check(got === exp, $sformatf("%s: got 0x%0h expected 0x%0h", what, got, exp));
  endtask

  // ================= memory behind m_mem_ =================
  logic [63:0] mem [logic [60:0]];          // by doubleword address
  bit          mem_err [logic [60:0]];      // SLVERR on these doublewords
  function automatic logic [63:0] rd(input logic [63:0] a);
    return (mem.exists(a[63:3]) != 0) ? mem[a[63:3]] : 64'd0;
  endfunction
  function automatic void poke(input logic [63:0] a, input logic [63:0] d);
    mem[a[63:3]] = d;
  endfunction
  function automatic void poison_at(input logic [63:0] a);   // an access fault (SLVERR) here
    mem_err[a[63:3]] = 1;
  endfunction
  function automatic logic [63:0] smask(input logic [7:0] s);
    for (int i = 0; i < 8; i++) smask[i*8 +: 8] = {8{s[i]}};
  endfunction
  function automatic int lat();
    return int'($urandom_range(0, 12));
  endfunction

  typedef struct packed { logic [3:0] id; logic [63:0] addr; int len; int beat; longint unsigned due;
                   bit atop; logic [63:0] old; bit err; } rd_t;
  typedef struct packed { logic [3:0] id; logic [63:0] addr; int len; int size; logic [5:0] atop; } aw_t;
  typedef struct packed { logic [3:0] id; logic [1:0] resp; longint unsigned due; } b_t;
  typedef struct packed { logic [63:0] data; logic [7:0] strb; bit last; } w_t;
  typedef struct packed { logic [3:0] id; logic [63:0] addr; int len; logic [63:0] data; } out_t;
  function automatic rd_t mk_rd(input logic [3:0] id, input logic [63:0] addr, input int len,
                                input bit atop, input logic [63:0] old, input bit err);
    rd_t r;
    r.id = id; r.addr = addr; r.len = len; r.beat = 0; r.due = cycle + 64'(lat());
    r.atop = atop; r.old = old; r.err = err;
    return r;
  endfunction
  function automatic out_t mk_out(input logic [3:0] id, input logic [63:0] addr, input int len);
    out_t o;
    o.id = id; o.addr = addr; o.len = len; o.data = addr;
    return o;
  endfunction
  rd_t rq[$];
  aw_t awq[$];
  w_t  wq[$];
  b_t  bq[$];
  aw_t aw_log[$];                          // every AW seen, for the checks
  rd_t ar_log[$];
  int  aw_beats;                           // beats of the oldest AW written so far
  bit  aw_err;
  logic [63:0] aw_cmp;                     // an AtomicCompare's compare value (its first beat)
  int  r_sel = -1, b_sel = -1;
  int  reorders = 0;                       // R beats sent before an older burst of another ID

  // the first pending entry of each ID whose time has come, picked at random
  function automatic int pick_rd();
    int c[$];
    for (int i = 0; i < rq.size(); i++) begin
      bit first = 1;
      for (int j = 0; j < i; j++) if (rq[j].id == rq[i].id) first = 0;
      if (first && rq[i].due <= cycle) c.push_back(i);
    end
    return c.size() == 0 ? -1 : c[$urandom_range(0, c.size() - 1)];
  endfunction
  function automatic int pick_b();
    int c[$];
    for (int i = 0; i < bq.size(); i++) begin
      bit first = 1;
      for (int j = 0; j < i; j++) if (bq[j].id == bq[i].id) first = 0;
      if (first && bq[i].due <= cycle) c.push_back(i);
    end
    return c.size() == 0 ? -1 : c[$urandom_range(0, c.size() - 1)];
  endfunction

  always @(posedge clk) begin : memory
    rd_t r; aw_t a; w_t w; b_t b;
    logic [63:0] addr, old;
    logic [60:0] da;
    bit e;
    if (!rst_n) begin
      m_mem_arready <= 1'b0; m_mem_awready <= 1'b0; m_mem_wready <= 1'b0;
      m_mem_rvalid <= 1'b0; m_mem_bvalid <= 1'b0;
    end else begin
      // R beat taken
      if (m_mem_rvalid && m_mem_rready) begin
        rq[r_sel].beat++;
        rq[r_sel].due = cycle + 64'(lat());          // each beat has a latency of its own
        if (rq[r_sel].beat > rq[r_sel].len) rq.delete(r_sel);
      end
      if (m_mem_bvalid && m_mem_bready) bq.delete(b_sel);
      if (m_mem_arvalid && m_mem_arready) begin
        r = mk_rd(m_mem_arid, m_mem_araddr, int'(m_mem_arlen), 0, 64'd0, 0);
        rq.push_back(r); ar_log.push_back(r);
        check(m_mem_arburst == 2'b01 && m_mem_arsize == 3'd3, "m_mem AR is INCR of doublewords");
      end
      if (m_mem_awvalid && m_mem_awready) begin
        a.id = m_mem_awid; a.addr = m_mem_awaddr; a.len = int'(m_mem_awlen);
        a.size = int'(m_mem_awsize); a.atop = m_mem_awatop;
        awq.push_back(a); aw_log.push_back(a);
      end
      if (m_mem_wvalid && m_mem_wready) begin
        w.data = m_mem_wdata; w.strb = m_mem_wstrb; w.last = m_mem_wlast;
        wq.push_back(w);
      end
      // write beats of the oldest burst (AXI4: no write interleaving)
      while (awq.size() > 0 && wq.size() > 0) begin
        a = awq[0];
        w = wq.pop_front();
        addr = a.addr + 64'(aw_beats * (1 << a.size));
        da = addr[63:3];
        check(w.last == (aw_beats == a.len), $sformatf("WLAST on beat %0d of a %0d-beat burst", aw_beats, a.len + 1));
        if (mem_err.exists(da) != 0) aw_err = 1;
        else if (a.atop != 6'd0) begin
          // AtomicCompare: 16 bytes out, the compare value (at AWADDR) first, the swap value second;
          // the old value of the doubleword at AWADDR comes back as one beat
          check(a.atop == 6'b110001 && a.len == 1 && a.size == 3, "atomic is an 8-byte AtomicCompare, little-endian");
          if (aw_beats == 0) aw_cmp = w.data;
          else begin
            old = rd(a.addr);
            if (old == aw_cmp) mem[a.addr[63:3]] = (old & ~smask(w.strb)) | (w.data & smask(w.strb));
            rq.push_back(mk_rd(a.id, a.addr, 0, 1, old, 0));
          end
        end else mem[da] = (rd(addr) & ~smask(w.strb)) | (w.data & smask(w.strb));
        aw_beats++;
        if (aw_beats > a.len) begin
          b.id = a.id; b.resp = aw_err ? 2'b10 : 2'b00; b.due = cycle + 64'(lat());
          bq.push_back(b);
          if (aw_err && a.atop != 6'd0) rq.push_back(mk_rd(a.id, addr, 0, 1, 64'd0, 1));
          void'(awq.pop_front()); aw_beats = 0; aw_err = 0;
        end
      end
      // next R beat and B
      r_sel = pick_rd();
      m_mem_rvalid <= r_sel >= 0;
      if (r_sel > 0 && rq[0].id != rq[r_sel].id) reorders++;
      if (r_sel >= 0) begin
        r = rq[r_sel];
        addr = r.addr + 64'(r.beat * 8);
        e = r.atop ? r.err : (mem_err.exists(addr[63:3]) != 0);
        m_mem_rid <= r.id; m_mem_rlast <= r.beat == r.len;
        m_mem_rdata <= e ? 64'd0 : r.atop ? r.old : rd(addr);
        m_mem_rresp <= e ? 2'b10 : 2'b00;
        m_mem_rpoison <= 1'b0;
      end
      b_sel = pick_b();
      m_mem_bvalid <= b_sel >= 0;
      if (b_sel >= 0) begin m_mem_bid <= bq[b_sel].id; m_mem_bresp <= bq[b_sel].resp; end
      m_mem_arready <= ($urandom_range(0, 3) != 0);
      m_mem_awready <= ($urandom_range(0, 3) != 0);
      m_mem_wready <= ($urandom_range(0, 3) != 0);
    end
  end

  // ================= memory behind m_out_: records each forwarded transaction ==============
  out_t out_ar[$], out_aw[$], out_r[$];
  logic [63:0] out_wdata[$];
  logic [3:0]  out_bid[$];                 // IDs of the writes, in order
  int out_b_due = 0;                       // writes whose last beat arrived
  always @(posedge clk) begin
    if (!rst_n) begin
      m_out_arready <= 1'b0; m_out_awready <= 1'b0; m_out_wready <= 1'b0;
      m_out_rvalid <= 1'b0; m_out_bvalid <= 1'b0;
    end else begin
      if (m_out_rvalid && m_out_rready) void'(out_r.pop_front());
      if (m_out_bvalid && m_out_bready) begin out_b_due--; void'(out_bid.pop_front()); end
      if (m_out_arvalid && m_out_arready) begin
        out_ar.push_back(mk_out(m_out_arid, m_out_araddr, int'(m_out_arlen)));
        out_r.push_back(mk_out(m_out_arid, m_out_araddr, 0));
      end
      if (m_out_awvalid && m_out_awready) begin
        out_aw.push_back(mk_out(m_out_awid, m_out_awaddr, int'(m_out_awlen)));
        out_bid.push_back(m_out_awid);
      end
      if (m_out_wvalid && m_out_wready) begin
        out_wdata.push_back(m_out_wdata);
        if (m_out_wlast) out_b_due++;
      end
      m_out_rvalid <= out_r.size() > 0;
      if (out_r.size() > 0) begin
        m_out_rid <= out_r[0].id; m_out_rdata <= out_r[0].data; m_out_rresp <= 2'b00; m_out_rlast <= 1'b1;
      end
      m_out_bvalid <= out_b_due > 0;
      m_out_bid <= out_bid.size() > 0 ? out_bid[0] : 4'd0;
      m_out_bresp <= 2'b00;
      m_out_arready <= 1'b1; m_out_awready <= 1'b1; m_out_wready <= 1'b1;
    end
  end

  // ================= bus masters =================
  // Inputs change after the falling edge; a handshake is seen just before the rising edge.
  task automatic settle(); @(negedge clk); endtask
  task automatic before_edge(); #4; endtask

  task automatic reg_write32(input logic [11:0] off, input logic [31:0] data, input string what);
    settle();
    s_prog_awvalid = 1; s_prog_awaddr = off; s_prog_wvalid = 1;
    if (PROG_W == 64) begin
      s_prog_wdata = PROG_W'(off[2] ? {data, 32'd0} : {32'd0, data});
      s_prog_wstrb = (PROG_W/8)'(off[2] ? 8'hF0 : 8'h0F);
    end else begin
      s_prog_wdata = PROG_W'(data); s_prog_wstrb = '1;
    end
    begin
      bit aw = 0, w = 0;
      while (!(aw && w)) begin
        before_edge();
        if (s_prog_awready && s_prog_awvalid) aw = 1;
        if (s_prog_wready && s_prog_wvalid) w = 1;
        settle();
        if (aw) s_prog_awvalid = 0;
        if (w) s_prog_wvalid = 0;
      end
    end
    s_prog_bready = 1;
    forever begin before_edge(); if (s_prog_bvalid) break; settle(); end
    check(s_prog_bresp == 2'b00, $sformatf("%s: BRESP OKAY", what));
    settle(); s_prog_bready = 0;
  endtask

  task automatic reg_read32(input logic [11:0] off, output logic [31:0] data);
    settle();
    s_prog_arvalid = 1; s_prog_araddr = off;
    forever begin before_edge(); if (s_prog_arready) break; settle(); end
    settle(); s_prog_arvalid = 0; s_prog_rready = 1;
    forever begin before_edge(); if (s_prog_rvalid) break; settle(); end
    data = (PROG_W == 64 && off[2]) ? 32'(64'(s_prog_rdata) >> 32) : 32'(s_prog_rdata);
    check(s_prog_rresp == 2'b00, "RRESP OKAY");
    settle(); s_prog_rready = 0;
  endtask

  // An 8-byte register as two 4-byte accesses: high half first, then low half (spec).
  task automatic reg_write64(input logic [11:0] off, input logic [63:0] data, input string what);
    reg_write32(off + 12'd4, data[63:32], what);
    reg_write32(off, data[31:0], what);
  endtask
  task automatic reg_read64(input logic [11:0] off, output logic [63:0] data);
    logic [31:0] hi, lo;
    reg_read32(off + 12'd4, hi);
    reg_read32(off, lo);
    data = {hi, lo};
  endtask
  task automatic expect_reg(input logic [11:0] off, input logic [63:0] exp, input bit is64, input string what);
    logic [63:0] v; logic [31:0] v32;
    if (is64) reg_read64(off, v); else begin reg_read32(off, v32); v = 64'(v32); end
    check64(v, exp, what);
  endtask

  // A device read (single beat): its response and data.
  task automatic dev_read(input logic [3:0] id, input logic [63:0] iova, input logic [23:0] did,
                          input bit exec, output logic [1:0] resp, output logic [63:0] data);
    settle();
    s_dev_arvalid = 1; s_dev_arid = id; s_dev_araddr = iova; s_dev_arlen = 0; s_dev_arsize = 3;
    s_dev_arburst = 2'b01; s_dev_arprot = {exec, 2'b00}; s_dev_armmusid = did;
    s_dev_armmussidv = 0; s_dev_armmussid = 0; s_dev_armmuatst = 0;
    forever begin before_edge(); if (s_dev_arready) break; settle(); end
    settle(); s_dev_arvalid = 0; s_dev_rready = 1;
    forever begin before_edge(); if (s_dev_rvalid) break; settle(); end
    resp = s_dev_rresp; data = s_dev_rdata;
    check(s_dev_rid == id, $sformatf("device read answered on its ID %0d (got %0d)", id, s_dev_rid));
    check(s_dev_rlast, "single-beat read answered with RLAST");
    settle(); s_dev_rready = 0;
  endtask

  task automatic dev_write(input logic [3:0] id, input logic [63:0] iova, input logic [23:0] did,
                           input logic [63:0] data, output logic [1:0] resp);
    settle();
    s_dev_awvalid = 1; s_dev_awid = id; s_dev_awaddr = iova; s_dev_awlen = 0; s_dev_awsize = 3;
    s_dev_awburst = 2'b01; s_dev_awprot = 3'b000; s_dev_awmmusid = did;
    s_dev_awmmussidv = 0; s_dev_awmmussid = 0; s_dev_awmmuatst = 0;
    s_dev_wvalid = 1; s_dev_wdata = data; s_dev_wstrb = 8'hFF; s_dev_wlast = 1;
    begin
      bit aw = 0, w = 0;
      while (!(aw && w)) begin
        before_edge();
        if (s_dev_awready && s_dev_awvalid) aw = 1;
        if (s_dev_wready && s_dev_wvalid) w = 1;
        settle();
        if (aw) s_dev_awvalid = 0;
        if (w) s_dev_wvalid = 0;
      end
    end
    s_dev_bready = 1;
    forever begin before_edge(); if (s_dev_bvalid) break; settle(); end
    resp = s_dev_bresp;
    check(s_dev_bid == id, $sformatf("device write answered on its ID %0d (got %0d)", id, s_dev_bid));
    settle(); s_dev_bready = 0;
  endtask

  // Two reads of different IDs in flight together (Bare: PA = IOVA), each answered on its ID with its
  // own data, in either order.
  task automatic two_reads(input logic [3:0] id0, input logic [63:0] a0, input logic [3:0] id1,
                           input logic [63:0] a1);
    bit got0 = 0, got1 = 0;
    settle();
    s_dev_arvalid = 1; s_dev_arid = id0; s_dev_araddr = a0; s_dev_arlen = 0; s_dev_arsize = 3;
    s_dev_arburst = 2'b01; s_dev_arprot = 3'b000; s_dev_armmusid = 24'h42;
    s_dev_armmussidv = 0; s_dev_armmussid = 0; s_dev_armmuatst = 0;
    forever begin before_edge(); if (s_dev_arready) break; settle(); end
    settle(); s_dev_arid = id1; s_dev_araddr = a1;
    forever begin before_edge(); if (s_dev_arready) break; settle(); end
    settle(); s_dev_arvalid = 0; s_dev_rready = 1;
    for (int i = 0; i < 2000 && !(got0 && got1); i++) begin
      before_edge();
      if (s_dev_rvalid) begin
        check(s_dev_rresp == 2'b00 && s_dev_rlast, "two reads in flight: OKAY, single beat");
        if (s_dev_rid == id0) begin check64(s_dev_rdata, a0, "first read's data"); got0 = 1; end
        else if (s_dev_rid == id1) begin check64(s_dev_rdata, a1, "second read's data"); got1 = 1; end
        else check(0, $sformatf("two reads in flight: a response on ID %0d", s_dev_rid));
      end
      settle();
    end
    check(got0 && got1, "two reads in flight: both answered");
    s_dev_rready = 0;
  endtask

  task automatic wait_idle();
    int quiet = 0;
    for (int i = 0; i < 20000 && quiet < 8; i++) begin
      settle();
      quiet = (idle && rq.size() == 0 && bq.size() == 0 && awq.size() == 0) ? quiet + 1 : 0;
    end
    check(quiet >= 8, "the wrapper becomes idle");
  endtask

  function automatic int count_aw(input logic [3:0] id, input logic [63:0] addr, input int len,
                                  input int size, input logic [5:0] atop);
    int n = 0;
    foreach (aw_log[i])
      if (aw_log[i].id == id && aw_log[i].addr == addr && aw_log[i].len == len &&
          aw_log[i].size == size && aw_log[i].atop == atop) n++;
    return n;
  endfunction
  function automatic int count_ar(input logic [3:0] id, input logic [63:0] addr, input int len);
    int n = 0;
    foreach (ar_log[i]) if (ar_log[i].id == id && ar_log[i].addr == addr && ar_log[i].len == len) n++;
    return n;
  endfunction

  // ================= the checks =================
  localparam logic [63:0] CAPS_EXP = 64'h0000_01F8_1746_0610;   // rtl-stubs/README.md
  localparam logic [63:0] FQ_BASE = 64'h1_0000_4000, CQ_BASE = 64'h0123_4560_0000;
  localparam logic [63:0] DDT = 64'h3000_0000, PT0 = 64'h2000_0000, PT1 = 64'h2000_1000,
                          PT2 = 64'h2000_2000;
  logic [1:0]  resp;
  logic [63:0] data, v;

  initial begin
    if (!$value$plusargs("seed=%d", seed)) seed = 1;
    if (!$value$plusargs("mutant=%d", mutant)) mutant = 0;
    void'($urandom(seed));
    s_prog_awvalid = 0; s_prog_wvalid = 0; s_prog_bready = 0; s_prog_arvalid = 0; s_prog_rready = 0;
    s_prog_awprot = 0; s_prog_arprot = 0; s_prog_awaddr = 0; s_prog_araddr = 0;
    s_prog_wdata = 0; s_prog_wstrb = 0;
    s_dev_awvalid = 0; s_dev_wvalid = 0; s_dev_bready = 0; s_dev_arvalid = 0; s_dev_rready = 0;
    s_dev_awid = 0; s_dev_awaddr = 0; s_dev_awlen = 0; s_dev_awsize = 0; s_dev_awburst = 0;
    s_dev_awprot = 0; s_dev_awmmusid = 0; s_dev_awmmussidv = 0; s_dev_awmmussid = 0;
    s_dev_awmmuatst = 0; s_dev_wdata = 0; s_dev_wstrb = 0; s_dev_wlast = 0;
    s_dev_arid = 0; s_dev_araddr = 0; s_dev_arlen = 0; s_dev_arsize = 0; s_dev_arburst = 0;
    s_dev_arprot = 0; s_dev_armmusid = 0; s_dev_armmussidv = 0; s_dev_armmussid = 0;
    s_dev_armmuatst = 0;
    ats_req_valid = 0; ats_req_tag = 0; ats_req_did = 0; ats_req_pv = 0; ats_req_pid = 0;
    ats_req_priv = 0; ats_req_nw = 0; ats_req_exe = 0; ats_req_iova = 0; ats_req_cxl = 0; ats_cpl_ready = 1;
    msg_ready = 1; ats_inv_cpl_valid = 0;
    pr_req_valid = 0; pr_req_did = 0; pr_req_pv = 0; pr_req_pid = 0; pr_req_priv = 0;
    pr_req_exec = 0; pr_req_dsv = 0; pr_req_payload = 0;
    repeat (16) @(negedge clk);
    rst_n = 1;

    // ---- registers over the programming port ----
    expect_reg(12'h000, CAPS_EXP, 1, "capabilities");
    expect_reg(12'h008, 64'h2, 0, "fctl (WSI)");
    reg_write64(12'h018, {10'd0, CQ_BASE[55:12], 10'd3}, "cqb");   // 16 commands, high half nonzero
    expect_reg(12'h018, {10'd0, CQ_BASE[55:12], 10'd3}, 1, "cqb, written as two halves high first");
    reg_write64(12'h028, {10'd0, FQ_BASE[55:12], 10'd3}, "fqb");
    expect_reg(12'h028, {10'd0, FQ_BASE[55:12], 10'd3}, 1, "fqb");
    reg_write32(12'h04C, 32'h3, "fqcsr");                        // fqen, fie
    expect_reg(12'h04C, 64'h0001_0003, 0, "fqcsr: fqon follows fqen");

    // ---- Bare: a read, an exec read and a write forwarded with the IOVA as the address ----
    reg_write64(12'h010, 64'h1, "ddtp Bare");
    expect_reg(12'h010, 64'h1, 1, "ddtp");
    dev_read(4'd5, 64'h0012_3456_789A_BCD8, 24'h42, 0, resp, data);
    check(resp == 2'b00, "Bare read: OKAY");
    check64(data, 64'h0012_3456_789A_BCD8, "Bare read: the translated-output port's data (its PA)");
    check(out_ar.size() == 1 && out_ar[0].id == 4'd5 && out_ar[0].addr == 64'h0012_3456_789A_BCD8,
          "Bare read forwarded on m_out with the device's ID and the SPA = IOVA");
    dev_read(4'd9, 64'h0000_0000_0040_1000, 24'h42, 1, resp, data);
    check(resp == 2'b00 && data == 64'h40_1000, "Bare exec read: OKAY, PA = IOVA");
    two_reads(4'd7, 64'h0000_0000_0070_0008, 4'd8, 64'h0000_0000_0080_0010);
    dev_write(4'd6, 64'h0000_0ABC_DEF0_0010, 24'h43, 64'hDEAD_BEEF_0BAD_F00D, resp);
    check(resp == 2'b00, "Bare write: OKAY");
    check(out_aw.size() == 1 && out_aw[0].id == 4'd6 && out_aw[0].addr == 64'h0000_0ABC_DEF0_0010 &&
          out_wdata.size() == 1 && out_wdata[0] == 64'hDEAD_BEEF_0BAD_F00D,
          "Bare write forwarded on m_out with its data");
    // ---- Off: faults answered with an error, no forwarding, the record as one 4-beat burst ----
    for (int i = 0; i < 4; i++) poke(FQ_BASE + 64'(8 * i), 64'hA5A5_A5A5_A5A5_A5A5);
    reg_write64(12'h010, 64'h0, "ddtp Off");
    dev_read(4'd3, 64'h0000_0000_0000_7000, 24'h77, 0, resp, data);
    check(resp == 2'b10, "Off read: SLVERR (cause 256, all inbound transactions disallowed)");
    check(out_ar.size() == 4, "a fault is not forwarded");
    wait_idle();
    expect_reg(12'h034, 64'd1, 0, "fqt after one record");
    // fault record (native): CAUSE 256, TTYP 2 (untranslated read), DID 0x77, dw1 0, iotval2 0
    check64(rd(FQ_BASE), {24'h77, 6'd2, 1'b0, 1'b0, 20'd0, 12'd256}, "fault record dw0");
    check64(rd(FQ_BASE + 8), 64'd0, "fault record dw1");
    check64(rd(FQ_BASE + 24), 64'd0, "fault record dw3 (iotval2)");
    check(count_aw(4'd3, FQ_BASE, 3, 3, 6'd0) == 1, "the fault record is one 4-beat INCR burst on the fault-queue ID");
    dev_write(4'd6, 64'h0000_0000_0000_8000, 24'h77, 64'h1, resp);
    check(resp == 2'b10, "Off write: SLVERR");
    check(out_aw.size() == 1 && out_wdata.size() == 1, "a faulting write and its data are not forwarded");
    wait_idle();
    expect_reg(12'h034, 64'd2, 0, "fqt after two records");
    // a record write that fails: fqmf, the tail stays
    poison_at(FQ_BASE + 64 + 16);
    dev_read(4'd1, 64'h0000_0000_0000_9000, 24'h78, 0, resp, data);
    check(resp == 2'b10, "Off read: SLVERR");
    wait_idle();
    expect_reg(12'h034, 64'd2, 0, "fqt stays when the record write fails");
    expect_reg(12'h04C, 64'h0001_0003 | 64'h100, 0, "fqcsr.fqmf set by the failed record write");
    mem_err.delete();

    // ---- 1LVL DDT, Sv39 with hardware A/D: walks on ID 0, A/D as an atomic on ID 1,
    //      a command fetched and fenced meanwhile (bursts of several IDs in flight) ----
    poke(DDT + 7 * 64, 64'h101);                          // DC.tc: V, SADE
    poke(DDT + 7 * 64 + 8, 64'h0);                         // iohgatp Bare
    poke(DDT + 7 * 64 + 16, 64'h0);                        // ta
    poke(DDT + 7 * 64 + 24, {4'd8, 16'd0, PT0[55:12]});    // fsc: Sv39
    for (int i = 4; i < 8; i++) poke(DDT + 7 * 64 + 64'(8 * i), 64'h0);
    poke(PT0 + 8, {10'd0, PT1[55:12], 10'h001});           // VPN[2] = 1
    poke(PT1 + 24, {10'd0, PT2[55:12], 10'h001});          // VPN[1] = 3
    poke(PT2 + 24, {10'd0, 44'h98765, 10'h017});           // VPN[0] = 3: V R W U, A = D = 0
    poke(64'h1_2345_7000, 64'hFFFF_FFFF_FFFF_FFFF);
    for (int i = 0; i < 2; i++) begin                             // IOTINVAL.VMA, all
      poke(CQ_BASE + 64'(16 * i), 64'h1);
      poke(CQ_BASE + 64'(16 * i) + 8, 64'h0);
    end
    poke(CQ_BASE + 32, {32'h1122_3344, 18'd0, 3'd0, 1'b1, 3'd0, 7'd2});   // IOFENCE.C, AV=1
    poke(CQ_BASE + 40, 64'h1_2345_7004 >> 2);
    reg_write64(12'h010, {10'd0, DDT[55:12], 10'd2}, "ddtp 1LVL");
    reg_write32(12'h048, 32'h1, "cqcsr.cqen");
    cq_go = 1;                                                 // cqt written meanwhile
    dev_write(4'd2, 64'h0000_0000_4060_3128, 24'h7, 64'h5555_6666_7777_8888, resp);
    wait (cq_done);
    check(resp == 2'b00, "Sv39 write: OKAY");
    check(out_aw.size() == 2 && out_aw[1].addr == 64'h9876_5128 && out_aw[1].id == 4'd2 &&
          out_wdata[1] == 64'h5555_6666_7777_8888, "Sv39 write forwarded to the leaf's PA with its data");
    wait_idle();
    check64(rd(PT2 + 24), {10'd0, 44'h98765, 10'h0D7}, "leaf PTE after the A/D update (A and D set)");
    if (ATOP != 0)
      check(count_aw(4'd1, PT2 + 24, 1, 3, 6'b110001) == 1, "the A/D update is one AtomicCompare on the A/D ID");
    check(count_ar(4'd0, DDT + 7 * 64, 7) == 1, "the extended DC is read as one 8-beat burst on the walk ID");
    check(count_ar(4'd0, PT0 + 8, 0) == 1, "a PTE is read as a single beat on the walk ID");
    expect_reg(12'h020, 64'd3, 0, "cqh after two IOTINVAL.VMA and an IOFENCE.C");
    check(cqh == 32'd3 && fqt == 32'd2 && pqt == 32'd0, $sformatf("cqh, fqt, pqt observed (got %0d %0d %0d)", cqh, fqt, pqt));
    check64(rd(64'h1_2345_7000), 64'h1122_3344_FFFF_FFFF, "IOFENCE.C data: 4 bytes at ADDR, the other half untouched");
    for (int i = 0; i < 3; i++)
      check(count_ar(4'd2, CQ_BASE + 64'(16 * i), 1) == 1, "each command is fetched as one 2-beat burst on the command-queue ID");
    check(count_aw(4'd2, 64'h1_2345_7004, 0, 2, 6'd0) == 1, "IOFENCE.C data is one narrow 4-byte write");
    // the translation is now in the IOTLB; a read through it
    dev_read(4'd2, 64'h0000_0000_4060_3FF0, 24'h7, 0, resp, data);
    check(resp == 2'b00 && data == 64'h9876_5FF0, "Sv39 read: OKAY, PA from the leaf");
    // an access fault on the 4th doubleword of a DC: the burst's beat answers that read (257)
    poison_at(DDT + 8 * 64 + 24);
    dev_read(4'd5, 64'h0000_0000_4060_3000, 24'h8, 0, resp, data);
    check(resp == 2'b10, "DC read access fault (257): SLVERR");
    check(count_ar(4'd0, DDT + 8 * 64, 7) == 1, "that DC too is one 8-beat burst");
    wait_idle();
    mem_err.delete();
    // a page fault (no mapping for VPN[2] = 2) answers DECERR
    dev_read(4'd4, 64'h0000_0000_8000_0000, 24'h7, 0, resp, data);
    check(resp == 2'b11, "Sv39 page fault: DECERR");
    wait_idle();

    // an ATS translation request for a device whose DC is not valid: Unsupported Request (258)
    settle();
    ats_req_valid = 1; ats_req_tag = 16'hBEEF; ats_req_did = 24'h42; ats_req_iova = 64'h5000;
    forever begin before_edge(); if (ats_req_ready) break; settle(); end
    settle(); ats_req_valid = 0;
    forever begin before_edge(); if (ats_cpl_valid) break; settle(); end
    check(ats_cpl_tag == 16'hBEEF && ats_cpl_status == 2'd1,
          $sformatf("ATS request, invalid DC: UR on the ATS channel with its tag (got tag %h status %0d)", ats_cpl_tag, ats_cpl_status));
    wait_idle();

    if ($test$plusargs("reorder")) check(reorders > 0, "the memory model reordered read beats across IDs");
    if (errors == 0) $display("PASS: AXI wrapper self-test (seed %0d, %0d-bit programming port, %0s, %0d read beats reordered across IDs)",
                              seed, PROG_W, ATOP != 0 ? "AtomicCompare" : "read-modify-write", reorders);
    else $display("%0d check(s) failed (seed %0d, mutant %0d)", errors, seed, mutant);
    $finish;
  end

  // The command queue's tail written while a translation walks (a process of its own: Verilator
  // 5.006 mixes up the automatic variables of tasks called under fork).
  bit cq_go = 0, cq_done = 0;
  initial begin
    wait (cq_go);
    reg_write32(12'h024, 32'h3, "cqt");
    cq_done = 1;
  end

  // +verbose: every handshake
  bit verbose = 0;
  initial verbose = $test$plusargs("verbose") != 0;
  always @(posedge clk) if (verbose && rst_n) begin
    if (m_mem_arvalid && m_mem_arready) $display("%0d mem AR id %0d addr %h len %0d", cycle, m_mem_arid, m_mem_araddr, m_mem_arlen);
    if (m_mem_rvalid && m_mem_rready) $display("%0d mem R  id %0d data %h resp %0d last %0d", cycle, m_mem_rid, m_mem_rdata, m_mem_rresp, m_mem_rlast);
    if (m_mem_awvalid && m_mem_awready) $display("%0d mem AW id %0d addr %h len %0d size %0d atop %h", cycle, m_mem_awid, m_mem_awaddr, m_mem_awlen, m_mem_awsize, m_mem_awatop);
    if (m_mem_wvalid && m_mem_wready) $display("%0d mem W  data %h strb %h last %0d", cycle, m_mem_wdata, m_mem_wstrb, m_mem_wlast);
    if (m_mem_bvalid && m_mem_bready) $display("%0d mem B  id %0d resp %0d", cycle, m_mem_bid, m_mem_bresp);
    if (s_dev_arvalid && s_dev_arready) $display("%0d dev AR id %0d addr %h", cycle, s_dev_arid, s_dev_araddr);
    if (s_dev_awvalid && s_dev_awready) $display("%0d dev AW id %0d addr %h", cycle, s_dev_awid, s_dev_awaddr);
    if (s_dev_rvalid && s_dev_rready) $display("%0d dev R  id %0d resp %0d data %h", cycle, s_dev_rid, s_dev_rresp, s_dev_rdata);
    if (s_dev_bvalid && s_dev_bready) $display("%0d dev B  id %0d resp %0d", cycle, s_dev_bid, s_dev_bresp);
    if (m_out_arvalid && m_out_arready) $display("%0d out AR id %0d addr %h", cycle, m_out_arid, m_out_araddr);
    if (m_out_awvalid && m_out_awready) $display("%0d out AW id %0d addr %h", cycle, m_out_awid, m_out_awaddr);
    if (m_out_bvalid && m_out_bready) $display("%0d out B  id %0d", cycle, m_out_bid);
    if (s_prog_awvalid && s_prog_awready) $display("%0d prog AW %h", cycle, s_prog_awaddr);
    if (s_prog_arvalid && s_prog_arready) $display("%0d prog AR %h", cycle, s_prog_araddr);
  end

  // a run that hangs is a failure
  initial begin
    #2_000_000;
    $display("FAIL: timeout");
    $fatal(1, "timeout");
  end
  final if (errors != 0) $fatal(1, "self-test failed");
endmodule
