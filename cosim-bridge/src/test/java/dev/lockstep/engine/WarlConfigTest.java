package dev.lockstep.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockstep.TestPaths;
import dev.lockstep.log.ConfigJson;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.regression.DutConfigFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The legal values of WARL fields come from the pinned configuration: a DUT with fewer interrupt vectors
 * ("if only two vectors are supported then only bit 0 for each cause could be writable") passes when its
 * configuration says so, and is reported when the configuration claims more.
 */
class WarlConfigTest {

    private static SeedResult run(IommuConfig dutConfig, IommuConfig checkerConfig, Scenario scenario, long seed) {
        return new Lockstep(new ModelDut(dutConfig), checkerConfig, scenario, s -> "").run(seed, 0, 2000);
    }

    @Test
    void icvecWithTwoVectorsIsCheckedAgainstTheConfiguration() throws Exception {
        IommuConfig full = DutConfigFile.read(TestPaths.stubConfig());
        IommuConfig twoVectors = full.withIcvecWritableMask(0x1111);
        assertTrue(run(twoVectors, twoVectors, Scenario.PROBE, 3).passed());
        SeedResult wrong = run(twoVectors, full, Scenario.PROBE, 3);
        assertNotNull(wrong.divergence());
        assertTrue(wrong.divergence().subject().startsWith("icvec"), wrong.divergence().subject());
    }

    @Test
    void everyWarlKeyRoundTripsThroughTheConfigurationFile() throws Exception {
        IommuConfig c = DutConfigFile.read(TestPaths.stubConfig()).withIcvecWritableMask(0x1101)
                .withWarl(new IommuConfig.Warl(0xffff_f000L, 0xffL << 40 | 0xe, 0x0f000f, 0x1e));
        String json = DutConfigFile.toJson(c);
        for (String key : new String[] {"icvec_writable", "tr_req_iova_writable", "tr_req_ctl_writable",
            "iommu_qosid_writable", "hpm_events"}) {
            assertTrue(json.contains("\"" + key + "\""), json);
        }
        IommuConfig back = ConfigJson.readFile(new ObjectMapper().readTree(json), Path.of("dut.json"));
        assertEquals(c, back);
        // Absent keys: today's behaviour.
        assertEquals(IommuConfig.Warl.DEFAULT, DutConfigFile.read(TestPaths.stubConfig()).warl());
    }
}
