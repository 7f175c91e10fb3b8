package dev.lockstep.dut;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockstep.TestPaths;
import dev.lockstep.cli.Cli;
import dev.lockstep.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in RTL IOMMU through the real native bridge: `make test` builds build/dut/liblockstep_stub.so
 * before Maven runs, and these tests fail (never skip) when it is missing.
 */
class StubDutTest {

    private static Path home() { return TestPaths.home(); }

    private static Path library() { return TestPaths.stubLibrary(); }

    @Test
    void capabilitiesReadBackAsPinnedAndTheBuildIdNamesTheDesign() throws Exception {
        try (NativeDut dut = NativeDut.open(library(), "mem_latency=2")) {
            dut.reset(0);
            long caps = dut.mmioRead(0, 8);
            String pinned = new ObjectMapper().readTree(home().resolve("rtl-stubs/config.json").toFile())
                    .get("capabilities").asText();
            assertEquals(Long.parseUnsignedLong(pinned.substring(2), 16), caps);
            assertEquals(caps & 0xffffffffL, dut.mmioRead(0, 4));
            assertEquals(caps >>> 32, dut.mmioRead(4, 4));
            assertTrue(dut.buildId().contains("lockstep_iommu") && dut.buildId().contains("Verilator"), dut.buildId());
        }
    }

    @Test
    void theMemoryImageReadsBackWhatWasWrittenAtAnyAlignmentAndAcrossPages() throws Exception {
        try (NativeDut dut = NativeDut.open(library(), "")) {
            dut.reset(0);
            java.util.Random r = new java.util.Random(7);
            byte[] image = new byte[3 * 4096];
            long base = 0x10000;
            for (int t = 0; t < 100; t++) {
                int off = r.nextInt(image.length - 1);
                byte[] b = new byte[1 + r.nextInt(Math.min(5000, image.length - off))];
                r.nextBytes(b);
                dut.memWrite(base + off, b);
                System.arraycopy(b, 0, image, off, b.length);
                int from = r.nextInt(image.length - 1);
                int len = 1 + r.nextInt(image.length - from);
                assertEquals(java.util.HexFormat.of().formatHex(image, from, from + len),
                        java.util.HexFormat.of().formatHex(dut.memRead(base + from, len)), "read of " + len + " at +" + from);
            }
            assertTrue(java.util.Arrays.equals(new byte[5000], dut.memRead(0x90_0003L, 5000)), "unwritten memory reads 0");
        }
    }

    @Test
    void discoveryProbesTheSameConfigurationTheStubPins() throws Exception {
        try (NativeDut dut = NativeDut.open(library(), "")) {
            dev.lockstep.refmodel.regs.IommuConfig found = dev.lockstep.regression.ConfigDiscovery.discover(dut);
            dev.lockstep.refmodel.regs.IommuConfig pinned = dev.lockstep.regression.DutConfigFile.read(
                    TestPaths.stubConfig());
            assertEquals(pinned.capabilities(), found.capabilities());
            assertEquals(pinned.fctlWritableMask(), found.fctlWritableMask());
            assertEquals(pinned.fctlReset(), found.fctlReset());
            assertEquals(pinned.resetMode(), found.resetMode());
            assertEquals(pinned.supportedModes(), found.supportedModes());
            assertEquals(pinned.cqLog2SzMax(), found.cqLog2SzMax());
            assertEquals(pinned.fqLog2SzMax(), found.fqLog2SzMax());
            // The printed form reads back to the same configuration.
            java.nio.file.Path file = java.nio.file.Files.createTempFile("discovered", ".json");
            java.nio.file.Files.writeString(file, dev.lockstep.regression.DutConfigFile.toJson(found));
            assertEquals(found, dev.lockstep.regression.DutConfigFile.read(file));
        }
    }

    /**
     * ABI 4, LOCKSTEP_REQ_DSV: the automatic Page Request Group Response (ddtp Bare: Invalid Request) goes to
     * device_id[23:16] with DSV=1 only when the message had a valid destination segment.
     */
    @Test
    void anAutomaticResponseCarriesTheRequestsDestinationSegmentOnlyWithDsv() throws Exception {
        try (NativeDut dut = NativeDut.open(library(), "")) {
            dut.reset(0);
            dut.mmioWrite(0x10, 8, 1); // ddtp Bare
            for (boolean dsv : new boolean[] {true, false}) {
                dut.pageRequest(0x4a0003, false, 0, dsv ? Dut.REQ_DSV : 0, 0x5000 | 4 | 1);
                long[] ev = new long[64 * Dut.EVENT_WORDS];
                int n = dut.run(10_000, ev);
                long header = -1;
                for (int i = 0; i < n; i++) if (ev[i * Dut.EVENT_WORDS] == Dut.EV_MESSAGE_OUT) header = ev[i * Dut.EVENT_WORDS + 2];
                assertEquals(Dut.MSG_PAGE_REQUEST_GROUP_RESPONSE, header & 3, "one automatic response");
                assertEquals(3, (header >>> 16) & 0xffff, "RID");
                assertEquals(dsv ? 1 : 0, (header >>> 3) & 1, "DSV");
                assertEquals(dsv ? 0x4a : 0, (header >>> 32) & 0xff, "DSEG");
            }
        }
    }

    @Test
    void badArgumentsAreRefusedNotCrashing() throws Exception {
        try (NativeDut dut = NativeDut.open(library(), "")) {
            DutException e = org.junit.jupiter.api.Assertions.assertThrows(DutException.class,
                    () -> dut.mmioRead(3, 4));
            assertEquals(DutException.Kind.API, e.kind());
        }
    }

    @Test
    void aBadConfigurationIsALoadErrorWithTheReason() {
        DutException e = org.junit.jupiter.api.Assertions.assertThrows(DutException.class,
                () -> NativeDut.open(library(), "mem_latency=0"));
        assertEquals(DutException.Kind.LOAD, e.kind());
        assertTrue(e.getMessage().contains("mem_latency"), e.getMessage());
    }

    @Test
    void theUnmutatedDutPassesAndWritesReports(@TempDir Path out) throws Exception {
        int code = Cli.run("run", "--dut", "stub", "--seed", "1", "--count", "5", "--jobs", "2",
                "--out", out.toString()).exitCode;
        assertEquals(Main.EXIT_PASS, code);
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals(5, summary.get("passed").asInt());
        assertEquals(0, summary.get("failed").asInt());
        assertTrue(Files.readString(out.resolve("junit.xml")).contains("name=\"seed-5\""));
    }

    @Test
    void thePlantedDdtpWarlBugIsCaughtWithExitOne(@TempDir Path out) throws Exception {
        int code = Cli.run("run", "--dut", "stub", "--seed", "1", "--count", "3", "--mutant",
                "ddtp_mode_warl", "--out", out.toString()).exitCode;
        assertEquals(Main.EXIT_DIVERGENCE, code);
        JsonNode seed = new ObjectMapper().readTree(out.resolve("summary.json").toFile()).get("seeds").get(0);
        assertEquals("diverged", seed.get("status").asText());
        assertEquals("iommu_mode", seed.get("divergence").get("fields").get(0).get("field").asText());
        assertTrue(seed.get("divergence").get("reproduce").asText().contains("--mutant ddtp_mode_warl"));
    }

    @Test
    void aMissingLibraryIsAnExitThreeNamingThePath(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("c.json");
        Files.copy(home().resolve("rtl-stubs/config.json"), config);
        Path missing = dir.resolve("libnothing.so");
        DutException e = org.junit.jupiter.api.Assertions.assertThrows(DutException.class,
                () -> NativeDut.open(missing, ""));
        assertEquals(DutException.Kind.LOAD, e.kind());
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertEquals(Main.EXIT_DUT, Cli.run("run", "--dut", missing.toString(), "--config", config.toString()).exitCode);
    }
}
