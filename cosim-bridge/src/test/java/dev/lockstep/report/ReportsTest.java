package dev.lockstep.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockstep.FakeDut;
import dev.lockstep.TestConfigs;
import dev.lockstep.dut.DutException;
import dev.lockstep.regression.Regression;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportsTest {

    /** The JUnit schema Jenkins' xUnit plugin validates against, from ../shared/schemas beside the checkout. */
    static Path junitSchema() {
        Path xsd = dev.lockstep.TestPaths.home().resolveSibling("shared").resolve("schemas/junit-10.xsd");
        assertTrue(Files.isRegularFile(xsd), "JUnit schema not found at " + xsd);
        return xsd;
    }

    private static Regression.Outcome outcome(boolean planted) throws DutException {
        Regression regression = new Regression(() -> {
            FakeDut dut = new FakeDut(TestConfigs.typical());
            if (planted) {
                dut.corruptOffset = 16;
                dut.corruptRead = v -> v | 6;
            }
            return dut;
        }, TestConfigs.typical(), dev.lockstep.engine.Scenario.REGISTERS, s -> "bin/lockstep run --seed " + s);
        return regression.run(List.of(1L, 2L, 3L), 0, 100, 2, r -> { });
    }

    @Test
    void junitXmlValidatesAgainstTheCiSchemaWithFailuresAndPasses(@TempDir Path dir) throws Exception {
        for (boolean planted : new boolean[] {false, true}) {
            Path file = dir.resolve("junit-" + planted + ".xml");
            JunitXml.write(file, "lockstep.fake", outcome(planted));
            SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI).newSchema(junitSchema().toFile())
                    .newValidator().validate(new StreamSource(file.toFile()));
            String xml = Files.readString(file);
            assertEquals(3, xml.split("<testcase ", -1).length - 1);
            assertEquals(planted, xml.contains("<failure type=\"divergence\""));
            if (planted) assertTrue(xml.contains("bin/lockstep run --seed 1"), xml);
        }
    }

    @Test
    void reportsAreByteIdenticalForTheSameSeedsWhateverTheJobs(@TempDir Path dir) throws Exception {
        RunInfo info = new RunInfo("test", "fake", "none", 100);
        SummaryJson.write(dir.resolve("a.json"), info, outcome(true));
        SummaryJson.write(dir.resolve("b.json"), info, outcome(true));
        assertArrayEquals(Files.readAllBytes(dir.resolve("a.json")), Files.readAllBytes(dir.resolve("b.json")));
        JunitXml.write(dir.resolve("a.xml"), "s", outcome(true));
        JunitXml.write(dir.resolve("b.xml"), "s", outcome(true));
        assertArrayEquals(Files.readAllBytes(dir.resolve("a.xml")), Files.readAllBytes(dir.resolve("b.xml")));
    }

    @Test
    void summaryJsonCarriesTheDivergenceStructured(@TempDir Path dir) throws Exception {
        SummaryJson.write(dir.resolve("s.json"), new RunInfo("t", "fake", "none", 100), outcome(true));
        JsonNode root = new ObjectMapper().readTree(dir.resolve("s.json").toFile());
        assertEquals(0, root.get("passed").asInt());
        assertEquals(3, root.get("failed").asInt());
        JsonNode d = root.get("seeds").get(0).get("divergence");
        assertEquals("iommu_mode", d.get("fields").get(0).get("field").asText());
        assertTrue(d.get("reproduce").asText().contains("--seed 1"));
        assertEquals("diverged", root.get("seeds").get(0).get("status").asText());
    }
}
