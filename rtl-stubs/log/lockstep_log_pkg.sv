// lockstep_log_pkg: writes a Lockstep seed log (docs/log-format.md, schema version 2) from any
// SystemVerilog testbench, with $fopen/$fwrite/$fflush only: no DPI, nothing outside IEEE 1800.
// `bin/lockstep check LOG` then judges the log against the golden model (docs/sv-log-writer.md).
//
// One function per record kind, called in the order the checker expects (docs/log-format.md, "What
// the checker expects after each action"): log_header first; each action (log_register_read, ...,
// log_translate, or a window: log_window_begin, log_window_request... and log_window_page_request...,
// log_window_store and log_window_register_write..., log_window_group for a later software group,
// log_window_end) followed by the DUT's records
// (log_read, log_completion, log_mem_write, log_irq, log_message, log_accept, log_cq_head, log_queue_tail,
// log_inval_completion, log_idle);
// after the last action a final log_idle, a log_mem_word for every word of touched_words(), and
// log_end. Every action function
// takes the cycle the action is applied at (schema version 2: cycles count from the seed's reset). Keys are written in a fixed order and wide values as "0x..." hex
// strings, as Lockstep writes them; the file is flushed after each action's records, so
// `lockstep check -` can judge the log from a pipe while the simulation runs.
// Monitors call these functions from clocked processes; the package's own bookkeeping in them is
// blocking on purpose (it is read back in the same process), hence no BLKSEQ warning.
/* verilator lint_off BLKSEQ */
package lockstep_log_pkg;

  localparam int SCHEMA_VERSION = 2;

  // what a memory_error action makes of IOMMU accesses to a word
  typedef enum int {
    MEMORY_OK              = 0,  // "none": accesses succeed again
    MEMORY_ACCESS_FAULT    = 1,
    MEMORY_DATA_CORRUPTION = 2
  } memory_error_e;

  // the outbound PCIe message of a message record
  typedef enum int {
    INVALIDATION_REQUEST        = 0,
    PAGE_REQUEST_GROUP_RESPONSE = 1
  } message_e;

  // the queue of a queue_tail record (the codes of the C ABI's LOCKSTEP_EV_QUEUE_TAIL)
  typedef enum int {
    FAULT_QUEUE        = 1,  // "fault": fqt
    PAGE_REQUEST_QUEUE = 2   // "page_request": pqt
  } queue_e;

  // the open log (one at a time; open the next seed's log after log_end)
  int fd = 0;
  // index of the next action (actions count from 0 without gaps)
  int unsigned next_index = 0;
  // 8-byte words software stored or the IOMMU wrote: the end-of-seed image must list each of them
  bit touched[longint unsigned];
  // the window action being written (log_window_begin .. log_window_end): its head, its translation
  // requests', its Page Requests' and its software actions' JSON objects, the requests' tags
  string window_head = "", window_requests = "", window_page_requests = "", window_during = "";
  int unsigned window_gap = 0;
  // the arrivals of the window's requests (log_window_request_at), and whether one is after the start
  string window_arrivals = "";
  int unsigned window_last_arrival = 0;
  bit window_staggered = 1'b0;
  bit window_tags[int unsigned];
  // the window's later software groups (log_window_group): the finished groups' JSON objects, the open group's
  // gap and actions, how many groups there are (0: none open), and the group (0: during) that stored each word
  string window_later = "", window_group_during = "";
  int unsigned window_group_gap = 0;
  int unsigned window_groups = 0;

  // ---------------- opening and closing ----------------

  // Flushes and closes the log (log_end does).
  function automatic void log_close();
    if (fd == 0) return;
    $fflush(fd);
    if (fd != 32'h8000_0001) $fclose(fd);
    fd = 0;
  endfunction

  // Opens (truncates) `path` for the log; "-" writes to standard output. Returns 0 when it cannot.
  function automatic bit log_open(string path);
    if (fd != 0) log_close();
    if (path == "-") fd = 32'h8000_0001;
    else fd = $fopen(path, "w");
    next_index = 0;
    touched.delete();
    if (fd == 0) $error("lockstep_log_pkg: cannot open the log '%s' for writing", path);
    return fd != 0;
  endfunction

  // Actions written so far (the index the next action gets).
  function automatic int unsigned action_count();
    return next_index;
  endfunction

  // The words the end-of-seed mem_word records must cover, in increasing address order.
  function automatic void touched_words(output longint unsigned words[$]);
    words.delete();
    foreach (touched[a]) words.push_back(a);
  endfunction

  // ---------------- JSON values ----------------

  // "0x..." lowercase hex without leading zeros, as Lockstep writes wide values.
  function automatic string hex(logic [63:0] v);
    if ($isunknown(v)) $error("lockstep_log_pkg: a logged value has X or Z bits: %h", v);
    return $sformatf("\"0x%0h\"", v);
  endfunction

  // `if_one` if c is 1, else `if_not`: a choice between texts made as strings (a ?: between string
  // literals of different lengths is a bit vector, padded to the longer one)
  function automatic string pick(logic c, string if_one, string if_not);
    if (c === 1'b1) return if_one;
    return if_not;
  endfunction

  function automatic string boolean(logic v);
    return pick(v, "true", "false");
  endfunction

  // A JSON string: quotes, backslashes and control characters escaped.
  function automatic string text(string s);
    string out = "\"";
    for (int i = 0; i < s.len(); i++) begin
      byte c = s[i];
      if (c == "\"") out = {out, "\\\""};
      else if (c == "\\") out = {out, "\\\\"};
      else if (c == 8'h0a) out = {out, "\\n"};
      else if (c == 8'h09) out = {out, "\\t"};
      else if (c == 8'h0d) out = {out, "\\r"};
      else if (c >= 0 && c < 8'h20) out = {out, $sformatf("\\u%04x", c)};
      else out = {out, string'(c)};
    end
    return {out, "\""};
  endfunction

  // The header's "config" object from the five keys every log has (the keys of a --config file, e.g.
  // rtl-stubs/config.json): `ddtp_modes` lists the supported modes separated by commas
  // ("Off,Bare,1LVL"); `extra` holds optional keys as JSON members ("\"cq_log2sz_max\":31"), or "".
  function automatic string config_json(logic [63:0] capabilities, int unsigned fctl_writable,
                                        int unsigned fctl_reset, string reset_mode, string ddtp_modes,
                                        string extra);
    string modes = "";
    int start = 0;
    for (int i = 0; i <= ddtp_modes.len(); i++) begin
      if (i == ddtp_modes.len() || ddtp_modes[i] == ",") begin
        if (i > start) modes = {modes, pick(modes != "", ",", ""), text(ddtp_modes.substr(start, i - 1))};
        start = i + 1;
      end
    end
    return $sformatf("{\"capabilities\":%s,\"fctl_writable\":%0d,\"fctl_reset\":%0d,\"reset_mode\":%s,\"ddtp_modes\":[%s]%s}",
                     hex(capabilities), fctl_writable, fctl_reset, text(reset_mode), modes,
                     pick(extra != "", {",", extra}, ""));
  endfunction

  // ---------------- writing ----------------

  function automatic void line(string record);
    if (fd == 0) begin
      $error("lockstep_log_pkg: a record is written before log_open: %s", record);
      return;
    end
    $fwrite(fd, "%s\n", record);
  endfunction

  // The end of an action's records: what is written so far goes out (a reader on a pipe sees it).
  function automatic void flush();
    if (fd != 0) $fflush(fd);
  endfunction

  function automatic void touch(logic [63:0] addr);
    touched[longint'(addr & ~64'h7)] = 1'b1;
  endfunction

  // ---------------- header ----------------

  // The first line. `config_text` is a JSON object (config_json); mutant_id/mutant_name are one planted bug of
  // rtl-stubs/mutants.tsv (several: one id per byte, names joined by commas), or 0 and "none".
  function automatic void log_header(string tool, string dut_spec, string build_id, string config_text,
                                     longint seed, int unsigned mutant_id, string mutant_name,
                                     string scenario, int unsigned planned_actions);
    line({$sformatf("{\"type\":\"header\",\"schema_version\":%0d,\"tool\":%s,\"dut\":{\"spec\":%s,\"build_id\":%s},",
                    SCHEMA_VERSION, text(tool), text(dut_spec), text(build_id)),
          $sformatf("\"config\":%s,\"seed\":%0d,\"mutant\":{\"id\":%0d,\"name\":%s},\"scenario\":%s,\"actions\":%0d}",
                    config_text, seed, mutant_id, text(mutant_name), text(scenario), planned_actions)});
    flush();
  endfunction

  // ---------------- actions ----------------

  // `{"type":"action","index":N,"cycle":C,"op":"OP"`: `cycle` is the cycle the action is applied at.
  function automatic string action_head(string op, longint unsigned cycle);
    string h = $sformatf("{\"type\":\"action\",\"index\":%0d,\"cycle\":%0d,\"op\":\"%s\"", next_index, cycle, op);
    if (window_head != "") $error("lockstep_log_pkg: action '%s' while a window is open (log_window_end first)", op);
    next_index++;
    return h;
  endfunction

  // The fields of a register write (after "op"): of a register_write action and of a window's.
  function automatic string register_write_fields(int unsigned offset, int unsigned size, logic [63:0] value);
    return $sformatf(",\"offset\":%0d,\"size\":%0d,\"value\":%s", offset, size, hex(value));
  endfunction

  // The fields of a store by software (after "op"), and the words the end-of-seed image must cover.
  function automatic string memory_write_fields(logic [63:0] pa, logic [63:0] value, string what);
    touch(pa);
    if (pa[2:0] != 3'd0) touch(pa + 64'd8);
    return $sformatf(",\"pa\":%s,\"value\":%s,\"what\":%s", hex(pa), hex(value), text(what));
  endfunction

  // The fields of a translation request, each with its comma before it: of a translate action, and
  // (without the first comma) of a window's request.
  function automatic string translate_fields(logic [15:0] tag, logic [23:0] device_id, logic pv,
                                             logic [19:0] process_id, logic priv, int unsigned ttyp,
                                             logic [63:0] iova, logic no_write, logic exec_requested, logic cxl);
    // a request without a PASID has no process_id, privilege or Execute Requested: the checker reads 0
    if (pv !== 1'b1 && (process_id != 20'd0 || priv === 1'b1 || exec_requested === 1'b1))
      $warning("lockstep_log_pkg: translate tag %0d without a PASID (pv=0) has process_id/priv/exec_requested set: the checker reads them as 0",
               tag);
    return $sformatf(",\"tag\":%0d,\"device_id\":%s,\"pv\":%s,\"process_id\":%s,\"priv\":%s,\"ttyp\":%0d,\"iova\":%s%s%s%s",
                     tag, hex(64'(device_id)), boolean(pv), hex(64'(process_id)), boolean(priv), ttyp, hex(iova),
                     pick(no_write, ",\"no_write\":true", ""), pick(exec_requested, ",\"exec_requested\":true", ""),
                     pick(cxl, ",\"cxl\":true", ""));
  endfunction

  // The fields of a Page Request message, each with its comma before it: of a page_request action, and
  // (without the first comma) of a window's Page Request. `"dsv":false` only when dsv is 0 (default true).
  function automatic string page_request_fields(logic [23:0] device_id, logic pv, logic [19:0] process_id,
                                                logic priv, logic exec, logic [63:0] payload, logic dsv);
    if (pv !== 1'b1 && (process_id != 20'd0 || priv === 1'b1 || exec === 1'b1))
      $warning("lockstep_log_pkg: a page request without a PASID (pv=0) has process_id/priv/exec set: the checker reads them as 0");
    return $sformatf(",\"device_id\":%s,\"pv\":%s,\"process_id\":%s,\"priv\":%s,\"exec\":%s,\"payload\":%s%s",
                     hex(64'(device_id)), boolean(pv), hex(64'(process_id)), boolean(priv), boolean(exec), hex(payload),
                     pick(dsv, "", ",\"dsv\":false"));
  endfunction

  // Software reads a register at `cycle`; a log_read of it follows.
  function automatic void log_register_read(longint unsigned cycle, int unsigned offset, int unsigned size);
    line($sformatf("%s,\"offset\":%0d,\"size\":%0d}", action_head("register_read", cycle), offset, size));
  endfunction

  // Software writes a register at `cycle`; the DUT's events and log_idle follow, then log_read of the
  // read-back.
  function automatic void log_register_write(longint unsigned cycle, int unsigned offset, int unsigned size,
                                             logic [63:0] value);
    line({action_head("register_write", cycle), register_write_fields(offset, size, value), "}"});
  endfunction

  // Software stores the 8-byte little-endian `value` at `pa` at `cycle` (not an IOMMU write); nothing
  // follows.
  function automatic void log_memory_write(longint unsigned cycle, logic [63:0] pa, logic [63:0] value,
                                           string what);
    line({action_head("memory_write", cycle), memory_write_fields(pa, value, what), "}"});
    flush();
  endfunction

  // IOMMU accesses to the 8-byte word at `pa` fail from `cycle` on (MEMORY_OK heals it); nothing follows.
  function automatic void log_memory_error(longint unsigned cycle, logic [63:0] pa, memory_error_e error);
    string name = pick(error == MEMORY_ACCESS_FAULT, "access_fault",
                       pick(error == MEMORY_DATA_CORRUPTION, "data_corruption", "none"));
    line($sformatf("%s,\"pa\":%s,\"error\":\"%s\"}", action_head("memory_error", cycle), hex(pa), name));
    flush();
  endfunction

  // A device's translation request submitted at `cycle` (ttyp: 1-3 untranslated, 5-7 translated, 8 ATS
  // translation request; no_write, exec_requested and cxl only with 8); the DUT's events, with its
  // completion, and log_idle follow.
  function automatic void log_translate(longint unsigned cycle, logic [15:0] tag, logic [23:0] device_id,
                                        logic pv, logic [19:0] process_id, logic priv, int unsigned ttyp,
                                        logic [63:0] iova, logic no_write, logic exec_requested, logic cxl);
    line({action_head("translate", cycle),
          translate_fields(tag, device_id, pv, process_id, priv, ttyp, iova, no_write, exec_requested, cxl), "}"});
  endfunction

  // A device's PCIe Page Request message at `cycle` (payload: the page-request record's dw1); the DUT's
  // events and log_idle follow. dsv: the message came with a valid destination segment (device_id[23:16]).
  function automatic void log_page_request(longint unsigned cycle, logic [23:0] device_id, logic pv,
                                           logic [19:0] process_id, logic priv, logic exec, logic [63:0] payload,
                                           logic dsv);
    line({action_head("page_request", cycle), page_request_fields(device_id, pv, process_id, priv, exec, payload, dsv),
          "}"});
  endfunction

  // ---------------- a window action (overlapping traffic, docs/log-format.md "Windows") ----------------
  // One JSON line written piecewise: log_window_begin, then log_window_request for each translation
  // request in the order they are submitted (at `cycle`; log_window_request_at for one arriving later), log_window_page_request for each
  // Page Request sent right after them (the same cycle), in order, log_window_store /
  // log_window_register_write for what software applies `gap` cycles later, in order, then for each later
  // software group log_window_group(gap) and its stores and register writes, and log_window_end, which writes
  // the line. A window holds at least one request of either kind. The DUT's events in cycle order (an idle
  // record where the DUT got idle before a step's cycle, and one at the end), then a log_read per register
  // write of the window (of every group, in order), follow it.

  function automatic void log_window_begin(longint unsigned cycle, int unsigned gap);
    window_head = "";
    window_head = action_head("window", cycle);
    window_gap = gap;
    window_requests = "";
    window_page_requests = "";
    window_during = "";
    window_tags.delete();
    window_arrivals = "";
    window_last_arrival = 0;
    window_staggered = 1'b0;
    window_later = "";
    window_group_during = "";
    window_group_gap = 0;
    window_groups = 0;
  endfunction

  // A translation request submitted at the window's cycle.
  function automatic void log_window_request(logic [15:0] tag, logic [23:0] device_id, logic pv,
                                             logic [19:0] process_id, logic priv, int unsigned ttyp,
                                             logic [63:0] iova, logic no_write, logic exec_requested,
                                             logic cxl);
    log_window_request_at(0, tag, device_id, pv, process_id, priv, ttyp, iova, no_write, exec_requested, cxl);
  endfunction

  // A translation request submitted `arrival` cycles after the window's cycle (docs/log-format.md,
  // "Requests arriving during a window"): in submission order, so arrivals never decrease, and the
  // window's first request arrives at 0; one arriving after the gap is submitted after the software actions.
  function automatic void log_window_request_at(int unsigned arrival, logic [15:0] tag, logic [23:0] device_id,
                                                logic pv, logic [19:0] process_id, logic priv, int unsigned ttyp,
                                                logic [63:0] iova, logic no_write, logic exec_requested,
                                                logic cxl);
    string f = translate_fields(tag, device_id, pv, process_id, priv, ttyp, iova, no_write, exec_requested, cxl);
    if (window_head == "") $error("lockstep_log_pkg: log_window_request without log_window_begin");
    if (window_tags.exists(int'(tag)) != 0) $error("lockstep_log_pkg: tag %0d twice in one window", tag);
    if (window_requests == "" && arrival != 0)
      $error("lockstep_log_pkg: a window's first request arrives at 0 (its cycle), not %0d", arrival);
    if (arrival < window_last_arrival)
      $error("lockstep_log_pkg: arrival %0d before the previous request's (%0d): log requests in submission order",
             arrival, window_last_arrival);
    window_tags[int'(tag)] = 1'b1;
    window_requests = {window_requests, pick(window_requests != "", ",", ""), "{", f.substr(1, f.len() - 1), "}"};
    window_arrivals = {window_arrivals, pick(window_arrivals != "", ",", ""), $sformatf("%0d", arrival)};
    window_last_arrival = arrival;
    if (arrival != 0) window_staggered = 1'b1;
  endfunction

  // A Page Request message sent with the window's requests, after its translation requests (arguments
  // as log_page_request's, without the cycle: the window's).
  function automatic void log_window_page_request(logic [23:0] device_id, logic pv, logic [19:0] process_id,
                                                  logic priv, logic exec, logic [63:0] payload, logic dsv);
    string f = page_request_fields(device_id, pv, process_id, priv, exec, payload, dsv);
    if (window_head == "") $error("lockstep_log_pkg: log_window_page_request without log_window_begin");
    if (window_groups != 0)
      $error("lockstep_log_pkg: a Page Request in a window with later software groups (a window with Page Requests has one)");
    window_page_requests = {window_page_requests, pick(window_page_requests != "", ",", ""), "{",
                            f.substr(1, f.len() - 1), "}"};
  endfunction

  // Software group g of the window as the log names it: during, later[0], ...
  function automatic string group_name(int unsigned g);
    return pick(g == 0, "during", $sformatf("later[%0d]", g - 1));
  endfunction

  // A software action of the window: into `during`, or into the open later group after log_window_group.
  function automatic void window_software(string action);
    if (window_groups == 0) window_during = {window_during, pick(window_during != "", ",", ""), action};
    else window_group_during = {window_group_during, pick(window_group_during != "", ",", ""), action};
  endfunction

  // A store by software while the window's requests are in flight.
  function automatic void log_window_store(logic [63:0] pa, logic [63:0] value, string what);
    if (window_head == "") $error("lockstep_log_pkg: log_window_store without log_window_begin");
    window_software({"{\"op\":\"memory_write\"", memory_write_fields(pa, value, what), "}"});
  endfunction

  // A register write by software while the window's requests are in flight (read back after the idle).
  function automatic void log_window_register_write(int unsigned offset, int unsigned size, logic [63:0] value);
    if (window_head == "") $error("lockstep_log_pkg: log_window_register_write without log_window_begin");
    window_software({"{\"op\":\"register_write\"", register_write_fields(offset, size, value), "}"});
  endfunction

  // The open later group as its JSON object, appended to the finished ones.
  function automatic void window_group_close();
    if (window_groups == 0) return;
    if (window_group_during == "")
      $error("lockstep_log_pkg: the window's software group %s (gap %0d) has no store or register write",
             group_name(window_groups), window_group_gap);
    window_later = {window_later, pick(window_later != "", ",", ""),
                    $sformatf("{\"gap\":%0d,\"during\":[%s]}", window_group_gap, window_group_during)};
    window_group_during = "";
  endfunction

  // Starts a later software group (docs/log-format.md, "Software groups"): the log_window_store and
  // log_window_register_write calls after it are applied `gap` cycles after the window's cycle, or later: not
  // before cqh has reached the tail the cqt writes of the groups before it left. Its gap is greater than the
  // one before it (the window's for the first); a window with later groups has software actions in `during`
  // and no Page Requests. A group followed by another that writes cqt ends the commands it makes available with
  // an IOFENCE.C (the checker judges the window only then; the package cannot see the commands).
  function automatic void log_window_group(int unsigned gap);
    int unsigned previous = window_groups == 0 ? window_gap : window_group_gap;
    if (window_head == "") $error("lockstep_log_pkg: log_window_group without log_window_begin");
    if (window_during == "")
      $error("lockstep_log_pkg: a later software group before any software action of the window (log_window_store or log_window_register_write first)");
    if (window_page_requests != "")
      $error("lockstep_log_pkg: a later software group in a window with Page Requests (such a window has one)");
    if (gap <= previous)
      $error("lockstep_log_pkg: a later software group at gap %0d, not after %s (gap %0d)", gap,
             pick(window_groups == 0, "the window's", "the group before it"), previous);
    window_group_close();
    window_groups++;
    window_group_gap = gap;
  endfunction

  function automatic void log_window_end();
    if (window_head == "") $error("lockstep_log_pkg: log_window_end without log_window_begin");
    if (window_requests == "" && window_page_requests == "")
      $error("lockstep_log_pkg: a window holds at least one request (log_window_request or log_window_page_request)");
    window_group_close();
    // page_requests only when there are some (absent: none), arrivals only when one is after the start, later
    // only when there are later groups
    line($sformatf("%s,\"requests\":[%s]%s%s,\"gap\":%0d,\"during\":[%s]%s}", window_head, window_requests,
                   pick(window_page_requests != "", {",\"page_requests\":[", window_page_requests, "]"}, ""),
                   pick(window_staggered, {",\"arrivals\":[", window_arrivals, "]"}, ""),
                   window_gap, window_during, pick(window_later != "", {",\"later\":[", window_later, "]"}, "")));
    window_head = "";
    window_groups = 0;
    flush();
  endfunction

  // ---------------- DUT records ----------------

  // The value the DUT returned for a register read (the action's, or the read-back after a write).
  function automatic void log_read(int unsigned offset, int unsigned size, logic [63:0] value,
                                   longint unsigned cycle);
    logic [63:0] v = size == 4 ? (value & 64'hffff_ffff) : value;
    line($sformatf("{\"type\":\"read\",\"offset\":%0d,\"size\":%0d,\"value\":%s,\"cycle\":%0d}", offset, size,
                   hex(v), cycle));
    flush();
  endfunction

  // A translation completion (status 0 success, 1 fault / Unsupported Request, 2 Completer Abort).
  function automatic void log_completion(longint unsigned cycle, logic [15:0] tag, logic [1:0] status,
                                         logic [11:0] cause, logic [63:0] pa, logic r, logic w, logic x,
                                         logic u, logic g, logic [1:0] pbmt, logic s, logic priv,
                                         logic cxl_io);
    line({$sformatf("{\"type\":\"completion\",\"cycle\":%0d,\"tag\":%0d,\"status\":%0d,\"cause\":%0d,\"pa\":%s,",
                    cycle, tag, status, cause, hex(pa)),
          $sformatf("\"r\":%s,\"w\":%s,\"x\":%s,\"u\":%s,\"g\":%s,\"pbmt\":%0d,\"s\":%s,\"priv\":%s%s}",
                    boolean(r), boolean(w), boolean(x), boolean(u), boolean(g), pbmt, boolean(s), boolean(priv),
                    pick(cxl_io, ",\"cxl_io\":true", ""))});
  endfunction

  // A memory write by the IOMMU: `data` is the word as it is after the write (for an AMO OR, the value
  // written back), `strobe` its byte enables.
  function automatic void log_mem_write(longint unsigned cycle, logic [63:0] addr, logic [63:0] data,
                                        logic [7:0] strobe, logic amo_or);
    line($sformatf("{\"type\":\"mem_write\",\"cycle\":%0d,\"addr\":%s,\"data\":%s,\"strobe\":%s,\"op\":\"%s\"}",
                   cycle, hex(addr), hex(data), hex(64'(strobe)), pick(amo_or, "amo_or", "write")));
    touch(addr);
  endfunction

  // An interrupt wire changed level.
  function automatic void log_irq(longint unsigned cycle, int unsigned irq_line, logic level);
    line($sformatf("{\"type\":\"irq\",\"cycle\":%0d,\"line\":%0d,\"level\":%0d}", cycle, irq_line,
                   level === 1'b1 ? 1 : 0));
  endfunction

  // An outbound PCIe message to a device.
  function automatic void log_message(longint unsigned cycle, message_e kind, logic [15:0] rid, logic dsv,
                                      logic [7:0] dseg, logic pv, logic [19:0] pid, logic [63:0] payload);
    line({$sformatf("{\"type\":\"message\",\"cycle\":%0d,\"message\":\"%s\",\"rid\":%0d,", cycle,
                    pick(kind == INVALIDATION_REQUEST, "invalidation_request", "page_request_group_response"), rid),
          $sformatf("\"dsv\":%s,\"dseg\":%0d,\"pv\":%s,\"pid\":%0d,\"payload\":%s}", boolean(dsv), dseg,
                    boolean(pv), pid, hex(payload))});
  endfunction

  // The IOMMU took request `tag` from its request interface (the request handshake).
  function automatic void log_accept(longint unsigned cycle, logic [15:0] tag);
    line($sformatf("{\"type\":\"accept\",\"cycle\":%0d,\"tag\":%0d}", cycle, tag));
  endfunction

  // cqh changed to `value` (an IOFENCE.C completes when cqh passes it).
  function automatic void log_cq_head(longint unsigned cycle, logic [31:0] value);
    line($sformatf("{\"type\":\"cq_head\",\"cycle\":%0d,\"value\":%s}", cycle, hex(64'(value))));
  endfunction

  // The IOMMU moved the tail of `queue` (fqt or pqt) to `value`; `cycle` is the first cycle software reading
  // the tail sees the new value. Every record the new tail covers is written before it ("data before tail").
  function automatic void log_queue_tail(longint unsigned cycle, queue_e queue, logic [31:0] value);
    if (queue != FAULT_QUEUE && queue != PAGE_REQUEST_QUEUE)
      $error("lockstep_log_pkg: a queue_tail of queue %0d: neither FAULT_QUEUE nor PAGE_REQUEST_QUEUE", queue);
    line($sformatf("{\"type\":\"queue_tail\",\"cycle\":%0d,\"queue\":\"%s\",\"value\":%s}", cycle,
                   pick(queue == FAULT_QUEUE, "fault", "page_request"), hex(64'(value))));
  endfunction

  // A device's PCIe Invalidation Completion message reached the IOMMU at `cycle`: its requester id, its ITAG
  // vector (bit i: ITAG i completed) and its Completion Count (0 encodes 8). An IOFENCE.C completes only
  // after the Invalidation Completions of the ATS.INVALs before it.
  function automatic void log_inval_completion(longint unsigned cycle, logic [15:0] rid, logic [31:0] itag,
                                               logic [2:0] count);
    line($sformatf("{\"type\":\"inval_completion\",\"cycle\":%0d,\"rid\":%0d,\"itag\":%s,\"count\":%0d}",
                   cycle, rid, hex(64'(itag)), count));
  endfunction

  // The DUT has nothing in flight: ends the events of one run of the DUT.
  function automatic void log_idle(longint unsigned cycle);
    line($sformatf("{\"type\":\"idle\",\"cycle\":%0d}", cycle));
    flush();
  endfunction

  // The DUT failed here (kind: hang, fatal, crash, load or api); the seed ends (log_end follows).
  function automatic void log_dut_error(longint unsigned cycle, string kind, string message);
    line($sformatf("{\"type\":\"dut_error\",\"kind\":%s,\"message\":%s,\"cycle\":%0d}", text(kind), text(message),
                   cycle));
    flush();
  endfunction

  // ---------------- end of the seed ----------------

  // A word of the DUT's memory image at the end of the seed.
  function automatic void log_mem_word(logic [63:0] addr, logic [63:0] value);
    line($sformatf("{\"type\":\"mem_word\",\"addr\":%s,\"value\":%s}", hex(addr & ~64'h7), hex(value)));
  endfunction

  // The last line; `status` is what the writer concluded ("" for none: check decides for itself). Closes
  // the log.
  function automatic void log_end(string status, longint unsigned cycles);
    line($sformatf("{\"type\":\"end\",%s\"actions\":%0d,\"cycles\":%0d}",
                   pick(status != "", {"\"status\":", text(status), ","}, ""), next_index, cycles));
    log_close();
  endfunction

endpackage
