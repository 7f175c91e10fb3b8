package dev.lockstep.report;

import dev.lockstep.engine.SeedResult;
import dev.lockstep.regression.Regression;
import java.io.IOException;
import java.nio.file.Path;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * {@code junit.xml}: one test case per seed, failing ones carrying the divergence report and the
 * command that reproduces it. Valid against Jenkins' xUnit JUnit schema (junit-10.xsd); DUT failures
 * are errors, divergences are failures. Times are omitted so the file is deterministic.
 */
public final class JunitXml {
    private JunitXml() {}

    public static void write(Path file, String suiteName, Regression.Outcome outcome) throws IOException {
        write(file, suiteName, outcome, false);
    }

    /**
     * Writes the report; {@code interrupted}: a signal stopped the run, the test cases are the seeds
     * done (property {@code interrupted} = true, as in summary.json's run.interrupted).
     */
    public static void write(Path file, String suiteName, Regression.Outcome outcome, boolean interrupted)
            throws IOException {
        long failures = outcome.results().stream().filter(r -> r.divergence() != null).count();
        long errors = outcome.results().stream().filter(r -> r.failure() != null).count();
        java.io.StringWriter out = new java.io.StringWriter();
        try {
            XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
            x.writeStartDocument("UTF-8", "1.0");
            x.writeCharacters("\n");
            x.writeStartElement("testsuites");
            x.writeAttribute("name", "lockstep");
            x.writeAttribute("tests", String.valueOf(outcome.results().size()));
            x.writeAttribute("failures", String.valueOf(failures));
            x.writeAttribute("errors", String.valueOf(errors));
            x.writeCharacters("\n  ");
            x.writeStartElement("testsuite");
            x.writeAttribute("name", suiteName);
            x.writeAttribute("tests", String.valueOf(outcome.results().size()));
            x.writeAttribute("failures", String.valueOf(failures));
            x.writeAttribute("errors", String.valueOf(errors));
            x.writeAttribute("skipped", "0");
            x.writeCharacters("\n    ");
            x.writeStartElement("properties");
            x.writeCharacters("\n      ");
            x.writeEmptyElement("property");
            x.writeAttribute("name", "dut.build_id");
            x.writeAttribute("value", String.valueOf(outcome.dutBuildId()));
            if (interrupted) {
                x.writeCharacters("\n      ");
                x.writeEmptyElement("property");
                x.writeAttribute("name", "interrupted");
                x.writeAttribute("value", "true");
            }
            x.writeCharacters("\n    ");
            x.writeEndElement();
            for (SeedResult r : outcome.results()) {
                x.writeCharacters("\n    ");
                x.writeStartElement("testcase");
                x.writeAttribute("name", "seed-" + r.seed());
                x.writeAttribute("classname", suiteName);
                if (r.divergence() != null) {
                    x.writeStartElement("failure");
                    x.writeAttribute("type", "divergence");
                    // The signature first, so dashboards group failures by it.
                    x.writeAttribute("message", r.divergence().signature() + ": " + r.divergence().subject());
                    x.writeCharacters(r.renderDivergences());
                    x.writeEndElement();
                } else if (r.failure() != null) {
                    x.writeStartElement("error");
                    x.writeAttribute("type", "dut_" + r.failure().kind().name().toLowerCase());
                    x.writeAttribute("message", r.failure().message());
                    x.writeCharacters(r.failure().render());
                    x.writeEndElement();
                }
                x.writeEndElement();
            }
            x.writeCharacters("\n  ");
            x.writeEndElement();
            x.writeCharacters("\n");
            x.writeEndElement();
            x.writeCharacters("\n");
            x.writeEndDocument();
            x.close();
            OutputDir.writeAtomically(file, out.toString());
        } catch (XMLStreamException e) {
            throw new IOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
