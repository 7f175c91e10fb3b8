package dev.lockstep.refmodel.regs;

import static dev.lockstep.refmodel.regs.RegisterFile.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class RegisterMasksTest {

    private final RegisterFile r = RegisterFileTest.full();
    private final RegisterMasks m = new RegisterMasks(r);

    @Test
    void busyAndOnBitsAreIgnored() {
        assertEquals(~DDTP_BUSY, m.compareMask(DDTP, 8));
        assertEquals(0xffffffffL & ~(CQCSR_BUSY | CQCSR_CQON), m.compareMask(CQCSR, 4));
        assertEquals(0xffffffffL & ~(QCSR_BUSY | QCSR_ON), m.compareMask(FQCSR, 4));
        assertEquals(0xffffffffL & ~(QCSR_BUSY | QCSR_ON), m.compareMask(PQCSR, 4));
        assertEquals(~TR_CTL_GO, m.compareMask(TR_REQ_CTL, 8));
    }

    @Test
    void cycleCounterIsIgnored() {
        assertEquals(0, m.compareMask(IOHPMCYCLES, 8));
        assertEquals(0xfffffffeL, m.compareMask(IOCOUNTOVF, 4));
        assertEquals(-1L, m.compareMask(IOHPMCTR_BASE, 8), "event counters are compared");
    }

    @Test
    void eightByteMaskOfRegisterPairCombinesHalves() {
        assertEquals(-1L, m.compareMask(CQH, 8));
        assertEquals(~((long) (QCSR_BUSY | QCSR_ON) << 32) & ~(long) (CQCSR_BUSY | CQCSR_CQON), m.compareMask(CQCSR, 8));
    }

    @Test
    void trResponseFaultAndSuperpageBits() {
        r.hwCompleteDebugTranslation(TR_RSP_FAULT);
        assertEquals(~(TR_RSP_PBMT_MASK | TR_RSP_S | TR_RSP_PPN_MASK), m.compareMask(TR_RESPONSE, 8));
        // 2 MiB superpage: PPN low 8 bits ones, bit 8 zero.
        r.hwCompleteDebugTranslation(TR_RSP_S | ((0x400L | 0xff) << 10));
        assertEquals(~(TR_RSP_S | (0x1ffL << 10)), m.compareMask(TR_RESPONSE, 8));
        r.hwCompleteDebugTranslation(0x400L << 10);
        assertEquals(-1L, m.compareMask(TR_RESPONSE, 8));
    }

    @Test
    void absentRegistersAreComparedAsZero() {
        RegisterFile min = RegisterFileTest.minimal();
        assertEquals(0xffffffffL, new RegisterMasks(min).compareMask(PQCSR, 4));
    }
}
