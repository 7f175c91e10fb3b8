package dev.lockstep.refmodel.translate;

import static org.junit.jupiter.api.Assertions.*;

import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.refmodel.mem.SparseMemory;
import dev.lockstep.refmodel.regs.Capabilities;
import org.junit.jupiter.api.Test;

/** Ill-formed API input is rejected with an exception naming the field. */
class RequestTest {

    @Test
    void device_id_over_24_bits_is_rejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Request.untranslated(1 << 24, 0, Ttyp.UNTRANSLATED_READ));
        assertTrue(e.getMessage().startsWith("device_id"));
        assertDoesNotThrow(() -> Request.untranslated(0xffffff, 0, Ttyp.UNTRANSLATED_READ));
    }

    @Test
    void process_id_over_20_bits_is_rejected() {
        Request r = Request.untranslated(1, 0, Ttyp.UNTRANSLATED_READ);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.withProcess(1 << 20, false));
        assertTrue(e.getMessage().startsWith("process_id"));
        assertDoesNotThrow(() -> r.withProcess(0xfffff, false));
    }

    @Test
    void unknown_types_are_rejected() {
        for (int t : new int[] {0, 4, 10, 63, -1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Request.of(t, 1, 0));
            assertTrue(e.getMessage().startsWith("type"));
        }
    }

    @Test
    void supervisor_without_process_id_and_ats_flags_on_other_types_are_rejected() {
        assertThrows(IllegalArgumentException.class, () -> new Request(1, false, 0, 0, Ttyp.UNTRANSLATED_READ, true, false, false));
        assertThrows(IllegalArgumentException.class, () -> new Request(1, false, 0, 0, Ttyp.UNTRANSLATED_READ, false, true, false));
    }

    @Test
    void pcie_messages_are_not_supported_yet_and_say_so() {
        Translator t = new Translator(Capabilities.builder().build(), new SparseMemory());
        assertThrows(UnsupportedOperationException.class, () -> t.translate(Request.of(Ttyp.PCIE_MESSAGE, 1, 0), 2, 0));
    }

    @Test
    void reserved_ddtp_modes_are_rejected() {
        Translator t = new Translator(Capabilities.builder().build(), new SparseMemory());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> t.translate(Request.of(Ttyp.UNTRANSLATED_READ, 1, 0), 5, 0));
        assertTrue(e.getMessage().startsWith("ddtp"));
    }
}
