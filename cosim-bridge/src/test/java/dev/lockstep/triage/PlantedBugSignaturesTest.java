package dev.lockstep.triage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockstep.TestPaths;
import dev.lockstep.cli.Cli;
import dev.lockstep.cli.Main;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signatures against the planted bugs: each bug alone on the same seeds; its failing seeds share one
 * signature, and two bugs never share one. The
 * table is printed, as the README shows it.
 */
class PlantedBugSignaturesTest {

    /** Bugs of every unit, each caught by at least two of the seeds 1-6. */
    private static final List<String> BUGS = List.of("ddtp_mode_warl", "sum_ignored", "prgr_index_shifted",
            "prq_stop_marker_response", "superpage_pa_merge", "translated_no_en_ats", "cause_misconf_over_v",
            "msi_mask_ignored", "fq_ttyp_shifted", "dtf_ignored", "iofence_early", "ats_pf_reported",
            "write_checks_r", "l1_index_off_by_one", "sign_ext_unchecked");

    @Test
    void eachBugHasFewSignaturesAndNoTwoBugsShareOne(@TempDir Path dir) throws Exception {
        TestPaths.stubLibrary();
        Map<String, Set<String>> signatures = new TreeMap<>();
        Map<String, Integer> failed = new TreeMap<>();
        for (String bug : BUGS) {
            Path out = dir.resolve(bug);
            Cli c = Cli.run("run", "--dut", "stub", "--seeds", "1-6", "--jobs", "2", "--mutant", bug, "--out", out.toString());
            assertEquals(Main.EXIT_DIVERGENCE, c.exitCode, bug + ": " + c.err);
            JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
            Set<String> keys = new TreeSet<>();
            for (JsonNode row : s.get("signatures")) keys.add(row.get("key").asText());
            signatures.put(bug, keys);
            failed.put(bug, s.get("failed").asInt());
        }
        StringBuilder table = new StringBuilder(String.format("%-26s %-7s %s%n", "planted bug", "failed", "signatures"));
        signatures.forEach((bug, keys) -> table.append(String.format("%-26s %-7d %s%n", bug, failed.get(bug), keys)));
        System.out.print(table);
        Map<String, String> owner = new TreeMap<>();
        for (Map.Entry<String, Set<String>> e : signatures.entrySet()) {
            int seeds = failed.get(e.getKey());
            assertTrue(seeds >= 2, e.getKey() + " failed " + seeds + " seeds\n" + table);
            assertEquals(1, e.getValue().size(), e.getKey() + " has more than one signature\n" + table);
            for (String key : e.getValue()) {
                String other = owner.putIfAbsent(key, e.getKey());
                assertTrue(other == null, key + " is both " + other + " and " + e.getKey() + "\n" + table);
            }
        }
    }

    /**
     * Bugs whose class is not the rule a request's walk ended at: completions that leave the IOMMU wrong
     * (counted by tag, or crossed with another request's data), caches that keep an entry an invalidation
     * covered (the retired version that explains the DUT's answer) and an MSI address taken for an ordinary
     * GPA (the G stage's answer explains the DUT's); and the A/D rule by the bit it found clear. Each gives its own class on every seed
     * it fails, whatever the seed's tables made the model answer.
     */
    @Test
    void completionAndStaleCacheBugsAreKeyedByWhatWentWrong(@TempDir Path dir) throws Exception {
        TestPaths.stubLibrary();
        Map<String, Set<String>> expected = new TreeMap<>();
        expected.put("ovl_cpl_tag_swap", Set.of("translation/completions/two completions"));
        expected.put("ovl_cpl_dropped", Set.of("translation/completions/no completion"));
        expected.put("ovl_cpl_pa_swap", Set.of("translation/completion with another outstanding request's address"));
        expected.put("ddtc_inval_last",
                Set.of("translation/stale device context retired by IODIR.INVAL_DDT of all devices and IOFENCE.C"));
        // A record lost where the queue had room, or where the fault met the full queue and fqof stayed clear.
        expected.put("ovl_rec_dropped", Set.of("memory write/missing fault record"));
        expected.put("msi_mask_ignored", Set.of("translation/MSI address translated as an ordinary GPA"));
        expected.put("inval_vma_superpage",
                Set.of("translation/stale first-stage leaf PTE (superpage) retired by IOTINVAL.VMA of one address and IOFENCE.C"));
        // Its two behaviours, one signature each: no fault where SADE=0 (for stores and for ATS requests asking
        // for write alike: the D check), no D set where SADE=1.
        expected.put("d_bit_ignored", Set.of("memory write/missing A|D update",
                "translation/PTE_D_CLEAR: page or guest-page fault not given"));
        // (Seed 23 of inval_vma_superpage is keyed by the rule: there software cleared W of the superpage and the
        // stale entry differs from the current one only there, as write_checks_r's answer would; README, "Triage".)
        Map<String, String> seeds = Map.of("ddtc_inval_last", "1-12", "inval_vma_superpage", "19-22", "msi_mask_ignored", "1-12",
                "d_bit_ignored", "1-12", "ovl_rec_dropped", "13-24");
        for (Map.Entry<String, Set<String>> e : expected.entrySet()) {
            String bug = e.getKey();
            Path out = dir.resolve(bug);
            Cli c = Cli.run("run", "--dut", "stub", "--seeds", seeds.getOrDefault(bug, "1-8"), "--jobs", "2",
                    "--overlap", bug.startsWith("ovl_") ? "4" : "1", "--mutant", bug, "--out", out.toString());
            assertEquals(Main.EXIT_DIVERGENCE, c.exitCode, bug + ": " + c.err);
            JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
            Set<String> keys = new TreeSet<>();
            for (JsonNode row : s.get("signatures")) keys.add(row.get("key").asText());
            assertEquals(e.getValue(), keys, bug + " failed " + s.get("failed").asInt() + " seeds");
        }
    }
}
