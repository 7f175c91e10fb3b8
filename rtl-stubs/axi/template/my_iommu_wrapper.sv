// my_iommu_wrapper: a template for bringing your own IOMMU to Lockstep (docs/axi-wrapper.md).
//
// Copy this file and my_iommu_wrapper.lockstep.json next to your RTL, rename the module (and "top"
// in the JSON), instantiate your IOMMU where it says YOUR IOMMU below and connect its ports to the
// ones of this module, then delete the tie-offs of what you connected. Port names are fixed by the
// convention; widths come from the parameters, which must match the JSON declaration.
// The optional groups at the end of the port list are commented out: uncomment a group when your
// IOMMU has it and set its flag in the JSON. A complete worked example is the built-in DUT's
// wrapper, rtl-stubs/axi/lockstep_iommu_axi.sv.
//
// As shipped, every output is tied off: the template compiles (verilator --lint-only -Wall) but
// answers nothing, so a run against it hangs on the first register access.
module my_iommu_wrapper #(
  parameter int PROG_DATA_W = 32,   // JSON prog.data_width: 32 or 64
  parameter int DEV_ID_W    = 4,    // JSON s_dev.id_width
  parameter int OUT_ID_W    = 4,    // JSON m_out.id_width
  parameter int MEM_ID_W    = 4,    // JSON m_mem.id_width
  parameter int IRQ_W       = 4     // JSON irq_width: one wire per interrupt vector (icvec)
) (
  // ---- clock and reset: the harness holds rst_n low for 16 cycles ----
  input  logic                     clk,
  input  logic                     rst_n,          // synchronous, active low

  // ---- programming port: AXI4-Lite slave onto your IOMMU's 4 KiB register page ----
  // Offsets are byte offsets in the page (plus JSON prog.base). On a 32-bit bus the harness makes
  // every access 4 bytes (an 8-byte register is two accesses, high half first); on a 64-bit bus an
  // 8-byte access has WSTRB 0xff, a 4-byte one 0x0f or 0xf0. Answer every access (BRESP/RRESP OKAY);
  // a register access must never wait for a translation.
  input  logic                     s_prog_awvalid,
  output logic                     s_prog_awready,
  input  logic [11:0]              s_prog_awaddr,  // JSON prog.addr_width
  input  logic [2:0]               s_prog_awprot,
  input  logic                     s_prog_wvalid,
  output logic                     s_prog_wready,
  input  logic [PROG_DATA_W-1:0]   s_prog_wdata,
  input  logic [PROG_DATA_W/8-1:0] s_prog_wstrb,
  output logic                     s_prog_bvalid,
  input  logic                     s_prog_bready,
  output logic [1:0]               s_prog_bresp,
  input  logic                     s_prog_arvalid,
  output logic                     s_prog_arready,
  input  logic [11:0]              s_prog_araddr,
  input  logic [2:0]               s_prog_arprot,
  output logic                     s_prog_rvalid,
  input  logic                     s_prog_rready,
  output logic [PROG_DATA_W-1:0]   s_prog_rdata,
  output logic [1:0]               s_prog_rresp,

  // ---- device request port: AXI4 slave, 64-bit; DMA from devices to be translated ----
  // Each request is one 8-byte beat (len 0, size 3, INCR) whose address is the IOVA. The AXI5
  // untranslated-transaction sideband carries who asks: AxMMUSID = device_id, AxMMUSSIDV/AxMMUSSID =
  // process_id (PASID), AxPROT[0] = privileged (with a PASID), ARPROT[2] = instruction (execute).
  // Connect these to your IOMMU's translation-request interface (often the same signals). A read is
  // an untranslated read or execute, a write an untranslated write/AMO. Answer a fault with SLVERR
  // or DECERR (and do not forward it); answer a success with the response of m_out_ below.
  input  logic                     s_dev_awvalid,
  output logic                     s_dev_awready,
  input  logic [DEV_ID_W-1:0]      s_dev_awid,
  input  logic [63:0]              s_dev_awaddr,
  input  logic [7:0]               s_dev_awlen,
  input  logic [2:0]               s_dev_awsize,
  input  logic [1:0]               s_dev_awburst,
  input  logic [2:0]               s_dev_awprot,
  input  logic [23:0]              s_dev_awmmusid,
  input  logic                     s_dev_awmmussidv,
  input  logic [19:0]              s_dev_awmmussid,
  input  logic                     s_dev_wvalid,
  output logic                     s_dev_wready,
  input  logic [63:0]              s_dev_wdata,
  input  logic [7:0]               s_dev_wstrb,
  input  logic                     s_dev_wlast,
  output logic                     s_dev_bvalid,
  input  logic                     s_dev_bready,
  output logic [DEV_ID_W-1:0]      s_dev_bid,
  output logic [1:0]               s_dev_bresp,    // OKAY, or SLVERR/DECERR for a fault
  input  logic                     s_dev_arvalid,
  output logic                     s_dev_arready,
  input  logic [DEV_ID_W-1:0]      s_dev_arid,
  input  logic [63:0]              s_dev_araddr,
  input  logic [7:0]               s_dev_arlen,
  input  logic [2:0]               s_dev_arsize,
  input  logic [1:0]               s_dev_arburst,
  input  logic [2:0]               s_dev_arprot,
  input  logic [23:0]              s_dev_armmusid,
  input  logic                     s_dev_armmussidv,
  input  logic [19:0]              s_dev_armmussid,
  output logic                     s_dev_rvalid,
  input  logic                     s_dev_rready,
  output logic [DEV_ID_W-1:0]      s_dev_rid,
  output logic [63:0]              s_dev_rdata,    // the data m_out_ returned (the harness sends the PA)
  output logic [1:0]               s_dev_rresp,
  output logic                     s_dev_rlast,

  // ---- translated-output port: AXI4 master; the device's transaction after translation ----
  // Forward each successful device transaction here with the physical address (and its write
  // data). The harness is the memory behind it: it records the address as the translation's PA.
  output logic                     m_out_awvalid,
  input  logic                     m_out_awready,
  output logic [OUT_ID_W-1:0]      m_out_awid,
  output logic [63:0]              m_out_awaddr,
  output logic [7:0]               m_out_awlen,
  output logic [2:0]               m_out_awsize,
  output logic [1:0]               m_out_awburst,
  output logic                     m_out_wvalid,
  input  logic                     m_out_wready,
  output logic [63:0]              m_out_wdata,
  output logic [7:0]               m_out_wstrb,
  output logic                     m_out_wlast,
  input  logic                     m_out_bvalid,
  output logic                     m_out_bready,
  input  logic [OUT_ID_W-1:0]      m_out_bid,
  input  logic [1:0]               m_out_bresp,
  output logic                     m_out_arvalid,
  input  logic                     m_out_arready,
  output logic [OUT_ID_W-1:0]      m_out_arid,
  output logic [63:0]              m_out_araddr,
  output logic [7:0]               m_out_arlen,
  output logic [2:0]               m_out_arsize,
  output logic [1:0]               m_out_arburst,
  input  logic                     m_out_rvalid,
  output logic                     m_out_rready,
  input  logic [OUT_ID_W-1:0]      m_out_rid,
  input  logic [63:0]              m_out_rdata,
  input  logic [1:0]               m_out_rresp,
  input  logic                     m_out_rlast,

  // ---- memory master: AXI4, 64-bit; the IOMMU's own accesses ----
  // DDT/PDT/page-table reads, command fetches, fault and page-request records, A/D updates,
  // IOFENCE.C and MSI writes: connect your IOMMU's memory (or data-structure) master here. Any IDs,
  // INCR/FIXED/WRAP bursts and narrow transfers with strobes; an error response is an access fault.
  output logic                     m_mem_awvalid,
  input  logic                     m_mem_awready,
  output logic [MEM_ID_W-1:0]      m_mem_awid,
  output logic [63:0]              m_mem_awaddr,
  output logic [7:0]               m_mem_awlen,
  output logic [2:0]               m_mem_awsize,
  output logic [1:0]               m_mem_awburst,
  output logic                     m_mem_wvalid,
  input  logic                     m_mem_wready,
  output logic [63:0]              m_mem_wdata,
  output logic [7:0]               m_mem_wstrb,
  output logic                     m_mem_wlast,
  input  logic                     m_mem_bvalid,
  output logic                     m_mem_bready,
  input  logic [MEM_ID_W-1:0]      m_mem_bid,
  input  logic [1:0]               m_mem_bresp,
  output logic                     m_mem_arvalid,
  input  logic                     m_mem_arready,
  output logic [MEM_ID_W-1:0]      m_mem_arid,
  output logic [63:0]              m_mem_araddr,
  output logic [7:0]               m_mem_arlen,
  output logic [2:0]               m_mem_arsize,
  output logic [1:0]               m_mem_arburst,
  input  logic                     m_mem_rvalid,
  output logic                     m_mem_rready,
  input  logic [MEM_ID_W-1:0]      m_mem_rid,
  input  logic [63:0]              m_mem_rdata,
  input  logic [1:0]               m_mem_rresp,
  input  logic                     m_mem_rlast,

  // ---- wired interrupts: one line per interrupt vector, as icvec assigns them ----
  output logic [IRQ_W-1:0]         irq

  // ---- optional groups: uncomment what your IOMMU has (each starts with its comma) and set the
  //      JSON flag named on each group ----
  // JSON s_dev.translated: the address is already translated (PCIe Translated request)
  // , input  logic                   s_dev_awmmuatst, input logic s_dev_armmuatst
  //
  // JSON m_out.pbmt: the translation's Svpbmt memory type (0 PMA, 1 NC, 2 IO)
  // , output logic [1:0]             m_out_awpbmt, output logic [1:0] m_out_arpbmt
  //
  // JSON m_mem.atop: AMBA AXI5 atomics; an A/D update as AtomicCompare (awatop 6'b110001: the PTE the
  // walk read, then it with A/D set) or AtomicLoad SET (awatop 6'b100011)
  // , output logic [5:0]             m_mem_awatop
  // JSON m_mem.poison: the read data is poisoned (data corruption)
  // , input  logic                   m_mem_rpoison
  //
  // JSON ats: PCIe ATS translation requests and completions (same signals as the built-in DUT)
  // , input  logic ats_req_valid, output logic ats_req_ready, input logic [15:0] ats_req_tag,
  //   input  logic [23:0] ats_req_did, input logic ats_req_pv, input logic [19:0] ats_req_pid,
  //   input  logic ats_req_priv, input logic ats_req_nw, input logic ats_req_exe,
  //   input  logic [63:0] ats_req_iova,
  //   output logic ats_cpl_valid, input logic ats_cpl_ready, output logic [15:0] ats_cpl_tag,
  //   output logic [1:0] ats_cpl_status, output logic [63:0] ats_cpl_addr, output logic ats_cpl_r,
  //   output logic ats_cpl_w, output logic ats_cpl_x, output logic ats_cpl_u, output logic ats_cpl_g,
  //   output logic ats_cpl_s, output logic ats_cpl_priv
  // JSON ats_cxl (with ats): the Root Port's CXL type 1/2 indication and the completion's CXL.io
  // , input  logic ats_req_cxl, output logic ats_cpl_cxl
  //
  // JSON messages: outbound Invalidation Requests and Page Request Group Responses
  // , output logic msg_valid, input logic msg_ready, output logic msg_prgr,
  //   output logic [15:0] msg_rid, output logic msg_dsv, output logic [7:0] msg_dseg,
  //   output logic msg_pv, output logic [19:0] msg_pid, output logic [63:0] msg_payload,
  //   input  logic ats_inv_cpl_valid
  //
  // JSON page_requests: inbound PCIe Page Request messages (page_request_dsv adds pr_req_dsv)
  // , input  logic pr_req_valid, output logic pr_req_ready, input logic [23:0] pr_req_did,
  //   input  logic pr_req_pv, input logic [19:0] pr_req_pid, input logic pr_req_priv,
  //   input  logic pr_req_exec, input logic [63:0] pr_req_payload
  //
  // JSON cause_port: the cause of a fault answered with SLVERR/DECERR (one cycle per fault, in the
  // order of the error responses, at the latest in the cycle of its response)
  // , output logic obs_cause_valid, output logic [11:0] obs_cause
  // JSON idle_port: 1 when nothing is in flight (otherwise the harness waits for a quiet window)
  // , output logic idle
  // JSON cqh_port, fqt_port, pqt_port: the current values of your IOMMU's cqh, fqt, pqt registers (what a
  // register read would return); the harness reports each move, for the IOFENCE.C and queue-order checks
  // , output logic [31:0] cqh
  // , output logic [31:0] fqt
  // , output logic [31:0] pqt
);

  // ==== YOUR IOMMU ====
  // your_iommu u_iommu (
  //   .clk, .rst_n,
  //   .reg_awvalid(s_prog_awvalid), .reg_awready(s_prog_awready), ...   // programming port
  //   .dma_arvalid(s_dev_arvalid), .dma_arsid(s_dev_armmusid), ...      // device requests
  //   .out_arvalid(m_out_arvalid), ...                                  // translated output
  //   .ptw_arvalid(m_mem_arvalid), ...                                  // memory master
  //   .wsi(irq)
  // );

  // ==== tie-offs: delete each line once its port is connected ====
  assign s_prog_awready = 1'b0;
  assign s_prog_wready  = 1'b0;
  assign s_prog_bvalid  = 1'b0;
  assign s_prog_bresp   = 2'b00;
  assign s_prog_arready = 1'b0;
  assign s_prog_rvalid  = 1'b0;
  assign s_prog_rdata   = '0;
  assign s_prog_rresp   = 2'b00;

  assign s_dev_awready = 1'b0;
  assign s_dev_wready  = 1'b0;
  assign s_dev_bvalid  = 1'b0;
  assign s_dev_bid     = '0;
  assign s_dev_bresp   = 2'b00;
  assign s_dev_arready = 1'b0;
  assign s_dev_rvalid  = 1'b0;
  assign s_dev_rid     = '0;
  assign s_dev_rdata   = 64'd0;
  assign s_dev_rresp   = 2'b00;
  assign s_dev_rlast   = 1'b0;

  assign m_out_awvalid = 1'b0;
  assign m_out_awid    = '0;
  assign m_out_awaddr  = 64'd0;
  assign m_out_awlen   = 8'd0;
  assign m_out_awsize  = 3'd3;
  assign m_out_awburst = 2'b01;
  assign m_out_wvalid  = 1'b0;
  assign m_out_wdata   = 64'd0;
  assign m_out_wstrb   = 8'd0;
  assign m_out_wlast   = 1'b0;
  assign m_out_bready  = 1'b1;
  assign m_out_arvalid = 1'b0;
  assign m_out_arid    = '0;
  assign m_out_araddr  = 64'd0;
  assign m_out_arlen   = 8'd0;
  assign m_out_arsize  = 3'd3;
  assign m_out_arburst = 2'b01;
  assign m_out_rready  = 1'b1;

  assign m_mem_awvalid = 1'b0;
  assign m_mem_awid    = '0;
  assign m_mem_awaddr  = 64'd0;
  assign m_mem_awlen   = 8'd0;
  assign m_mem_awsize  = 3'd3;
  assign m_mem_awburst = 2'b01;
  assign m_mem_wvalid  = 1'b0;
  assign m_mem_wdata   = 64'd0;
  assign m_mem_wstrb   = 8'd0;
  assign m_mem_wlast   = 1'b0;
  assign m_mem_bready  = 1'b1;
  assign m_mem_arvalid = 1'b0;
  assign m_mem_arid    = '0;
  assign m_mem_araddr  = 64'd0;
  assign m_mem_arlen   = 8'd0;
  assign m_mem_arsize  = 3'd3;
  assign m_mem_arburst = 2'b01;
  assign m_mem_rready  = 1'b1;

  assign irq = '0;

  // Inputs the placeholder does not use (keeps -Wall quiet; delete what your IOMMU consumes).
  logic unused;
  assign unused = ^{clk, rst_n,
                    s_prog_awvalid, s_prog_awaddr, s_prog_awprot, s_prog_wvalid, s_prog_wdata,
                    s_prog_wstrb, s_prog_bready, s_prog_arvalid, s_prog_araddr, s_prog_arprot,
                    s_prog_rready,
                    s_dev_awvalid, s_dev_awid, s_dev_awaddr, s_dev_awlen, s_dev_awsize, s_dev_awburst,
                    s_dev_awprot, s_dev_awmmusid, s_dev_awmmussidv, s_dev_awmmussid, s_dev_wvalid,
                    s_dev_wdata, s_dev_wstrb, s_dev_wlast, s_dev_bready, s_dev_arvalid, s_dev_arid,
                    s_dev_araddr, s_dev_arlen, s_dev_arsize, s_dev_arburst, s_dev_arprot,
                    s_dev_armmusid, s_dev_armmussidv, s_dev_armmussid, s_dev_rready,
                    m_out_awready, m_out_wready, m_out_bvalid, m_out_bid, m_out_bresp, m_out_arready,
                    m_out_rvalid, m_out_rid, m_out_rdata, m_out_rresp, m_out_rlast,
                    m_mem_awready, m_mem_wready, m_mem_bvalid, m_mem_bid, m_mem_bresp, m_mem_arready,
                    m_mem_rvalid, m_mem_rid, m_mem_rdata, m_mem_rresp, m_mem_rlast};
endmodule
