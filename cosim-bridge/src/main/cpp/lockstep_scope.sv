// The `lockstep` scope of a DUT waveform (lockstep_waves.h): what the checker was doing, as signals beside
// the RTL's. A model of its own, traced into the same file, so no RTL needs a port for it; the harness
// drives it once per action, and only while a waveform is being written.
/* verilator lint_off UNUSEDSIGNAL */
module lockstep_scope (
    input  logic [31:0] action_index,  // the action being applied (the seed's action count at its end)
    input  logic [15:0] divergences,   // divergences reported so far in this seed
    output logic        divergence     // high from the cycle of the seed's first divergence on
);
  assign divergence = divergences != 16'd0;
endmodule
/* verilator lint_on UNUSEDSIGNAL */
