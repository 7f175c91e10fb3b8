package dev.lockstep.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.engine.Divergence;
import dev.lockstep.triage.Signature;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A value is printed in one base everywhere a report shows it: codes and counts decimal, bit patterns hex. */
class ReportBaseTest {

    private static Divergence divergence(List<Divergence.FieldMismatch> fields, String walk) {
        return new Divergence(3, 10, 100, "translate tag 1", "fault record at 0x80000000", fields, "rule",
                List.of(), "bin/lockstep run --seed 3 --count 1", walk, "build",
                new Signature("memory write/fault record/CAUSE", "says"));
    }

    @Test
    void causeAndTtypAreDecimalLikeTheWalkAndTheSpecBitPatternsHex() {
        Divergence d = divergence(List.of(
                new Divergence.FieldMismatch("CAUSE", "11:0", 258, 13),
                new Divergence.FieldMismatch("TTYP", "39:34", 2, 1),
                new Divergence.FieldMismatch("iotval", "63:0", 0x1c70b9e000L, 0)),
                "PTE.V=0 at level 2 -> cause 258 (DDT entry not valid)");
        String text = d.render();
        assertTrue(text.contains("expected 258  observed 13"), text);
        assertTrue(text.contains("expected 2  observed 1"), text);
        assertTrue(text.contains("expected 0x1c70b9e000  observed 0x0"), text);
        assertTrue(text.contains("cause 258"), text);
        assertFalse(text.contains("0x102"), "cause 258 must not also appear as hex: " + text);
    }

    @Test
    void summaryJsonUsesTheSameTextAndReadsItBack() {
        Divergence.FieldMismatch cause = new Divergence.FieldMismatch("cause", "11:0", 15, 13);
        Divergence.FieldMismatch pa = new Divergence.FieldMismatch("PA", "63:0", -1L, 0x1000);
        ObjectNode n = SummaryJson.divergence(new ObjectMapper(), divergence(List.of(cause, pa), null));
        assertEquals("15", n.get("fields").get(0).get("expected").asText());
        assertEquals("0xffffffffffffffff", n.get("fields").get(1).get("expected").asText());
        assertEquals(15, Divergence.FieldMismatch.parse("15"));
        assertEquals(-1L, Divergence.FieldMismatch.parse("0xffffffffffffffff"));
    }
}
