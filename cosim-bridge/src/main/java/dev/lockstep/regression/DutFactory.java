package dev.lockstep.regression;

import dev.lockstep.dut.Dut;
import dev.lockstep.dut.DutException;

/** Opens one DUT instance; called on the worker thread that will use it. */
@FunctionalInterface
public interface DutFactory {
    Dut open() throws DutException;
}
