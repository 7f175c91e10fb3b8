// Pending-miss merge, live only under planted bug M_OVL_MISS_MERGE (mutants.tsv, id 55).
//
// The mistake it plants: a translation request identical to one a busy walker is translating (device,
// process, privilege, type, address and request flags) is not walked; it joins that walk and completes
// with its result as soon as the walk's own completion is sent. That saves a walk, and for requests that
// were in flight together it is what the spec allows (the walk's reads are reads the joined request could
// have made, and identical faults may be reported once). It forgets that software may have stored to the
// tables between the walk's reads and the joined request's arrival: a walk that read a PTE with V=0
// before software mapped the page answers a request that arrived after the mapping with the fault, as if
// the IOMMU cached an entry with V=0 ("This specification does not allow the caching of first/second-stage
// PTEs whose V (valid) bit is clear", Caching in-memory data structures). Serialized traffic never has a
// busy walker when a request arrives, so only overlapping traffic with requests arriving during the walk
// shows it (docs/concurrency.md, section 18).
module iommu_miss_merge #(
  parameter int XLATE_N = 2,
  parameter int WI = 1,
  parameter int KW = 119,   // request key: device, pv, process, priv, ttyp, iova, no-write, exec, CXL
  parameter int CW = 102    // a completion: tag [CW-1:CW-16], then status, cause, pa and the flags
) (
  input  logic               clk,
  input  logic               rst_n,
  input  logic               enable,       // the planted bug is selected
  input  logic               req_valid,    // the request port
  input  logic [KW-1:0]      req_key,
  input  logic [15:0]        req_tag,
  input  logic [XLATE_N-1:0] w_take,       // walker k takes the port's request in this cycle
  input  logic [XLATE_N-1:0] w_done,       // walker k's completion is sent in this cycle
  input  logic [CW-17:0]     w_fields,     // the walker completion on the port, after its tag
  output logic               merge,        // the port's request joins a walk (taken here, not by a walker)
  output logic               cpl_valid,    // the joined request's completion
  input  logic               cpl_ready,
  output logic [CW-1:0]      cpl,
  output logic               busy
);
  logic [KW-1:0]      lead_key [XLATE_N];
  logic [XLATE_N-1:0] lead_open;          // the walker's request taken, its completion not yet sent
  logic               joined;             // a request waits for its leader's completion
  logic [WI-1:0]      joined_to;
  logic [15:0]        joined_tag;

  logic hit;
  logic [WI-1:0] hit_walker;
  always_comb begin
    hit = 1'b0;
    hit_walker = '0;
    for (int k = 0; k < XLATE_N; k++) begin
      if (lead_open[k] && !w_done[k] && lead_key[k] == req_key) begin   // not the walk completing now
        hit = 1'b1;
        hit_walker = WI'(k);
      end
    end
  end
  assign merge = enable && req_valid && hit && !joined && !cpl_valid;
  assign busy = joined || cpl_valid;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      lead_open <= '0;
      joined <= 1'b0;
      joined_to <= '0;
      joined_tag <= 16'd0;
      cpl_valid <= 1'b0;
      cpl <= '0;
      for (int k = 0; k < XLATE_N; k++) lead_key[k] <= '0;
    end else begin
      for (int k = 0; k < XLATE_N; k++) begin
        if (w_take[k]) begin
          lead_open[k] <= 1'b1;
          lead_key[k] <= req_key;
        end else if (w_done[k]) begin
          lead_open[k] <= 1'b0;
        end
      end
      if (merge) begin
        joined <= 1'b1;
        joined_to <= hit_walker;
        joined_tag <= req_tag;
      end
      if (joined && w_done[joined_to]) begin
        joined <= 1'b0;
        cpl_valid <= 1'b1;
        cpl <= {joined_tag, w_fields};
      end
      if (cpl_valid && cpl_ready) cpl_valid <= 1'b0;
    end
  end
endmodule
