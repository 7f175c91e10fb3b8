package dev.lockstep.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.coverage.Coverage;
import dev.lockstep.engine.Divergence;
import dev.lockstep.engine.SeedResult;
import dev.lockstep.regression.Regression;
import dev.lockstep.triage.SignatureTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code report.html}: one self-contained page (no network, no server: styles, script and data are
 * inline) with the pass/fail totals, the signature table, each failing seed's divergence report and the
 * coverage goal bins as a grid of hit and missed cells. The data is embedded as JSON and the page's
 * script renders it, writing the counts it computed into the DOM ({@code data-*} attributes of
 * {@code #totals}) so a headless browser can check what a reader sees. No times: the same seeds give
 * the same bytes.
 */
public final class HtmlReport {
    private HtmlReport() {}

    public static final String FILE = "report.html";

    public static void write(Path file, String title, Regression.Outcome outcome, Coverage coverage,
                             SignatureTable table) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode data = json.createObjectNode();
        data.put("title", title);
        data.put("dut_build_id", outcome.dutBuildId());
        data.put("seeds", outcome.results().size());
        data.put("passed", outcome.passed());
        data.put("failed", outcome.failed());
        ObjectNode t = json.createObjectNode();
        table.toJson(json, t);
        data.set("signatures", t.get("signatures"));
        data.set("waivers", t.has("waivers") ? t.get("waivers") : json.createArrayNode());
        ArrayNode failing = data.putArray("failing");
        for (SeedResult r : outcome.results()) {
            if (r.passed()) continue;
            ObjectNode s = failing.addObject();
            s.put("seed", r.seed());
            s.put("status", SummaryJson.status(r));
            ArrayNode ds = s.putArray("divergences");
            for (Divergence d : r.reported()) ds.add(SummaryJson.divergence(json, d));
            if (r.failure() != null) s.put("dut_failure", r.failure().render());
            s.put("waived", r.waivedCount());
        }
        if (coverage != null) data.set("coverage", SummaryJson.coverage(json, coverage));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, page(title, embed(json, data)));
    }

    /** The data as JSON that cannot end the script element it sits in. */
    private static String embed(ObjectMapper json, ObjectNode data) throws JsonProcessingException {
        return json.writeValueAsString(data).replace("</", "<\\/").replace("<!--", "<\\!--");
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String page(String title, String data) {
        return """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
                <title>@@TITLE@@</title>
                <style>
                body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
                h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
                .pass { color: #176b2c; } .fail { color: #b3261e; }
                table { border-collapse: collapse; margin: .5em 0; }
                td, th { border: 1px solid #ccc; padding: 2px 6px; vertical-align: top; text-align: left; }
                code, pre { font: 12px/1.3 ui-monospace, monospace; }
                pre { background: #f6f6f6; padding: 6px; overflow-x: auto; margin: 2px 0; }
                details { margin: .4em 0; } summary { cursor: pointer; }
                .grid { display: flex; flex-wrap: wrap; gap: 2px; margin: 2px 0 8px; }
                .bin { width: 14px; height: 14px; border-radius: 2px; }
                .hit { background: #2e9e4f; } .missed { background: #d93025; } .other { background: #bbb; }
                .waived { color: #8a6d00; }
                </style>
                </head>
                <body>
                <h1>@@TITLE@@</h1>
                <div id="errors"></div>
                <p id="totals"></p>
                <h2>Failure signatures</h2>
                <div id="signatures"></div>
                <h2>Failing seeds</h2>
                <div id="seeds"></div>
                <h2>Coverage goal bins</h2>
                <div id="coverage"></div>
                <script type="application/json" id="data">@@DATA@@</script>
                <script>
                "use strict";
                window.onerror = function (msg) { document.getElementById("errors").textContent = "script error: " + msg; };
                (function () {
                  const data = JSON.parse(document.getElementById("data").textContent);
                  function el(tag, attrs, ...children) {
                    const e = document.createElement(tag);
                    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
                    for (const c of children) e.append(c);
                    return e;
                  }
                  function row(cells, head) { return el("tr", {}, ...cells.map(c => el(head ? "th" : "td", {}, c))); }
                  const failingSigs = data.signatures.filter(s => s.status === "failing");
                  const waivedSigs = data.signatures.filter(s => s.status === "waived");
                  const passed = data.seeds - data.failing.length;
                  const totals = document.getElementById("totals");
                  totals.dataset.seeds = data.seeds;
                  totals.dataset.passed = passed;
                  totals.dataset.failed = data.failing.length;
                  totals.dataset.signatures = failingSigs.length;
                  totals.dataset.waivedSignatures = waivedSigs.length;
                  totals.append(el("span", {"class": "pass"}, passed + " passed"), ", ",
                      el("span", {"class": "fail"}, data.failing.length + " failed"), " of " + data.seeds + " seeds; " +
                      failingSigs.length + " failing signature(s), " + waivedSigs.length + " waived. DUT: " + data.dut_build_id);

                  const sigs = document.getElementById("signatures");
                  if (data.signatures.length === 0) sigs.append(el("p", {}, "none"));
                  else {
                    const t = el("table", {id: "signature-table"}, row(["signature", "status", "count", "seeds", "first seed",
                        "shortest reproducer", "what is wrong"], true));
                    for (const s of data.signatures) {
                      const r = row([el("code", {}, s.id + " " + s.key), s.status === "waived" ? "waived (" + s.waiver + ")" : "failing",
                          String(s.count), String(s.seeds), String(s.first_seed),
                          el("code", {}, "seed " + s.shortest.seed + ", " + s.shortest.actions + " actions: " + s.shortest.reproduce),
                          s.says]);
                      if (s.status === "waived") r.className = "waived";
                      t.append(r);
                    }
                    sigs.append(t);
                  }
                  for (const w of data.waivers) {
                    sigs.append(el("p", {"class": w.stale ? "fail stale" : ""}, "waiver " + (w.signature || w.pattern) + " (" +
                        w.tracking + ", " + w.reason + "): " + (w.stale ? "STALE, matched nothing" : "matched " + w.matched)));
                  }

                  const seeds = document.getElementById("seeds");
                  if (data.failing.length === 0) seeds.append(el("p", {}, "none"));
                  for (const s of data.failing) {
                    const d = el("details", {"class": "seed", "data-seed": s.seed});
                    d.append(el("summary", {}, "seed " + s.seed + ": " + s.status +
                        (s.divergences.length ? " - " + s.divergences[0].signature.id + " " + s.divergences[0].compared : "")));
                    for (const v of s.divergences) {
                      d.append(el("p", {}, el("b", {}, v.signature.id + " " + v.signature.key), el("br"),
                          "action #" + v.action_index + ", cycle " + v.cycle + ": " + v.action, el("br"), "compared: " + v.compared));
                      const f = el("table", {}, row(["field", "bits", "expected", "observed"], true));
                      for (const x of v.fields) f.append(row([x.field, x.bits, x.expected, x.observed]));
                      d.append(f, el("p", {}, "rule: " + v.rule));
                      if (v.model_walk) d.append(el("p", {}, "model walk:"), el("pre", {}, v.model_walk));
                      if (v.leading_actions.length) d.append(el("p", {}, "leading actions:"), el("pre", {}, v.leading_actions.join("\\n")));
                      d.append(el("p", {}, "reproduce: ", el("code", {}, v.reproduce)));
                    }
                    if (s.dut_failure) d.append(el("pre", {}, s.dut_failure));
                    if (s.waived) d.append(el("p", {"class": "waived"}, s.waived + " waived divergence(s) before"));
                    seeds.append(d);
                  }

                  const cov = document.getElementById("coverage");
                  let goal = 0, hit = 0;
                  if (!data.coverage) cov.append(el("p", {}, "no coverage collected"));
                  else {
                    for (const g in data.coverage.groups) {
                      const grp = data.coverage.groups[g];
                      const grid = el("div", {"class": "grid", "data-group": g});
                      let gh = 0, gg = 0;
                      for (const b of grp.bins) {
                        const cls = !b.goal ? "other" : b.count > 0 ? "hit" : "missed";
                        if (b.goal) { gg++; goal++; if (b.count > 0) { gh++; hit++; } }
                        grid.append(el("div", {"class": "bin " + cls, title: g + "/" + b.bin + (b.name ? " " + b.name : "") + ": " + b.count}));
                      }
                      cov.append(el("div", {}, g + ": " + gh + "/" + gg + " goal bins hit"), grid);
                    }
                    cov.append(el("p", {}, "green: goal bin hit, red: goal bin missed, grey: other bin hit"));
                  }
                  totals.dataset.goalBins = goal;
                  totals.dataset.goalBinsHit = hit;
                  document.body.dataset.rendered = "ok";
                })();
                </script>
                </body>
                </html>
                """.replace("@@TITLE@@", escape(title)).replace("@@DATA@@", data);
    }
}
