package dev.lockstep.refmodel.debug;

import static dev.lockstep.refmodel.regs.RegisterFile.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.lockstep.refmodel.TranslationOutcome;
import dev.lockstep.refmodel.fault.Cause;
import dev.lockstep.refmodel.regs.IommuMode;
import dev.lockstep.refmodel.testsupport.TestSystem;
import org.junit.jupiter.api.Test;

class DebugTranslationTest {

    private final TestSystem s = TestSystem.standard();

    @Test
    void bareModeTranslatesIdentityAndClearsGo() {
        s.write(DDTP, IommuMode.BARE.encoding);
        s.write(TR_REQ_IOVA, 0x1234_5000L);
        s.write(TR_REQ_CTL, TR_CTL_GO | TR_CTL_NW | (5L << 40));
        assertEquals(0, s.read(TR_REQ_CTL) & TR_CTL_GO);
        assertEquals(0x12345L << 10, s.read(TR_RESPONSE));
    }

    @Test
    void faultGoesToTheFaultQueue() {
        s.enableFq(2, false);
        s.write(TR_REQ_IOVA, 0x2000);
        s.write(TR_REQ_CTL, TR_CTL_GO | (9L << 40));
        assertEquals(TR_RSP_FAULT, s.read(TR_RESPONSE));
        assertEquals(Cause.ALL_INBOUND_DISALLOWED, s.faultRecord(0).cause());
        assertEquals(9, s.faultRecord(0).deviceId());
    }

    @Test
    void superpageSizeIsEncodedInPpn() {
        long rsp = DebugTranslation.response(TranslationOutcome.success(0x4020_0000L, 3, 1, 21));
        assertEquals(TR_RSP_S | (1L << 7) | (((0x40200000L >>> 12) | 0xff) << 10), rsp);
    }
}
