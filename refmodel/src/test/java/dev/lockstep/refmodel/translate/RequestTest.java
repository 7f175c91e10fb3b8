package dev.lockstep.refmodel.translate;

import static org.junit.jupiter.api.Assertions.*;

import dev.lockstep.refmodel.TranslationRequest;
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
    void pcie_messages_with_a_code_the_model_does_not_know_fail_loudly() {
        Translator t = new Translator(Capabilities.builder().build(), new SparseMemory());
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> t.translate(Request.of(Ttyp.PCIE_MESSAGE, 1, 0x05), 2, 0));
        assertTrue(e.getMessage().contains("0x5"), e::getMessage);
    }

    @Test
    void a_message_code_wider_than_8_bits_is_rejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Request.of(Ttyp.PCIE_MESSAGE, 1, 0x104));
        assertTrue(e.getMessage().startsWith("iova"));
    }

    @Test
    void write_data_is_32_bits_and_only_for_writes() {
        IllegalArgumentException wide = assertThrows(IllegalArgumentException.class,
                () -> new TranslationRequest(1, false, 0, false, Ttyp.UNTRANSLATED_WRITE, 0, 1L << 32));
        assertTrue(wide.getMessage().startsWith("data"));
        IllegalArgumentException read = assertThrows(IllegalArgumentException.class,
                () -> new TranslationRequest(1, false, 0, false, Ttyp.UNTRANSLATED_READ, 0, 5));
        assertTrue(read.getMessage().startsWith("data"));
        assertThrows(IllegalArgumentException.class,
                () -> new TranslationRequest(1, false, 0, false, Ttyp.UNTRANSLATED_WRITE, 0, -2));
        assertEquals(0xffff_ffffL, TranslationRequest.untranslatedWrite(1, 0, -1).data());
        assertEquals(TranslationRequest.NO_DATA, TranslationRequest.untranslated(1, 0, true).data());
        assertEquals(7, new TranslationRequest(1, false, 0, false, Ttyp.TRANSLATED_WRITE, 0, 7).data());
    }

    @Test
    void no_write_and_execute_requested_belong_to_ats_translation_requests_only() {
        IllegalArgumentException nw = assertThrows(IllegalArgumentException.class, () -> new TranslationRequest(1,
                false, 0, false, Ttyp.UNTRANSLATED_READ, 0, TranslationRequest.NO_DATA, true, false));
        assertTrue(nw.getMessage().startsWith("noWrite"));
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> new TranslationRequest(1,
                false, 0, false, Ttyp.TRANSLATED_EXEC, 0, TranslationRequest.NO_DATA, false, true));
        assertTrue(x.getMessage().startsWith("execRequested"));
        TranslationRequest ats = TranslationRequest.ats(1, true, 2, true, 0x1000, true, true);
        assertTrue(ats.noWrite() && ats.execRequested());
    }

    @Test
    void reserved_ddtp_modes_are_rejected() {
        Translator t = new Translator(Capabilities.builder().build(), new SparseMemory());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> t.translate(Request.of(Ttyp.UNTRANSLATED_READ, 1, 0), 5, 0));
        assertTrue(e.getMessage().startsWith("ddtp"));
    }
}
