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
import org.apache.maven.plugin.surefire.log.api.NullConsoleLogger;
import org.apache.maven.plugins.surefire.report.ReportTestCase;
import org.apache.maven.plugins.surefire.report.ReportTestSuite;
import org.apache.maven.plugins.surefire.report.SurefireReportParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportsTest {

    /** The JUnit schema Jenkins' xUnit plugin validates against, shipped with the tests (MIT, header kept). */
    static java.net.URL junitSchema() {
        java.net.URL xsd = ReportsTest.class.getResource("/schemas/junit-10.xsd");
        assertTrue(xsd != null, "schemas/junit-10.xsd is missing from the test resources");
        return xsd;
    }

    /** Three seeds that all pass, or all diverge ({@code planted}). */
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
            SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI).newSchema(junitSchema())
                    .newValidator().validate(new StreamSource(file.toFile()));
            String xml = Files.readString(file);
            assertEquals(3, xml.split("<testcase ", -1).length - 1);
            assertEquals(planted, xml.contains("<failure type=\"divergence\""));
            if (planted) assertTrue(xml.contains("bin/lockstep run --seed 1"), xml);
        }
    }

    /** What a CI server shows: Maven's own report parser reads junit.xml back with the right counts. */
    @Test
    void junitXmlReadsBackInSurefiresReportParserWithTheRightCounts(@TempDir Path dir) throws Exception {
        record Case(String name, boolean planted, int failures) {}
        for (Case c : List.of(new Case("pass", false, 0), new Case("diverge", true, 3))) {
            Path reports = Files.createDirectories(dir.resolve(c.name()));
            JunitXml.write(reports.resolve("junit.xml"), "lockstep.fake", outcome(c.planted()));
            List<ReportTestSuite> suites = new SurefireReportParser(List.of(reports.toFile()),
                    new NullConsoleLogger()).parseXMLReportFiles();
            assertEquals(1, suites.size(), c.name());
            ReportTestSuite suite = suites.get(0);
            assertEquals(3, suite.getNumberOfTests(), c.name());
            assertEquals(c.failures(), suite.getNumberOfFailures(), c.name());
            assertEquals(0, suite.getNumberOfErrors(), c.name());
            assertEquals(List.of("seed-1", "seed-2", "seed-3"),
                    suite.getTestCases().stream().map(ReportTestCase::getName).toList());
            for (ReportTestCase t : suite.getTestCases()) {
                assertEquals(c.planted(), t.hasFailure(), t.getName());
                if (c.planted()) {
                    assertEquals("divergence", t.getFailureType());
                    assertTrue(t.getFailureDetail().contains("DIVERGENCE"), t.getFailureDetail());
                }
            }
        }
    }

    @Test
    void aDutFailureIsAnErrorForSurefiresReportParser(@TempDir Path dir) throws Exception {
        Regression regression = new Regression(() -> {
            FakeDut dut = new FakeDut(TestConfigs.typical());
            dut.fatalAfterWrites = 3;
            return dut;
        }, TestConfigs.typical(), dev.lockstep.engine.Scenario.REGISTERS, s -> "bin/lockstep run --seed " + s);
        Regression.Outcome outcome = regression.run(List.of(1L, 2L), 0, 100, 1, r -> { });
        JunitXml.write(dir.resolve("junit.xml"), "lockstep.fake", outcome);
        ReportTestSuite suite = new SurefireReportParser(List.of(dir.toFile()), new NullConsoleLogger())
                .parseXMLReportFiles().get(0);
        assertEquals(2, suite.getNumberOfTests());
        assertEquals(2, suite.getNumberOfErrors());
        assertEquals(0, suite.getNumberOfFailures());
        assertTrue(suite.getTestCases().get(0).hasError());
        assertEquals("dut_fatal", suite.getTestCases().get(0).getFailureType());
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
