package dev.lockstep.engine;

import dev.lockstep.dut.DutException;
import dev.lockstep.refmodel.regs.RegisterFile;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * After a divergence the seed goes on from the DUT's state, so that later divergences are new ones
 * and not consequences of this one. The model adopts what the DUT did for the action:
 * <ul>
 * <li>memory: every word either side wrote during the action takes the DUT's bytes (a word only the
 * model wrote gets back its value from before the action, which the DUT still holds);
 * <li>registers: the ones the IOMMU updates itself or software programs ({@link RegisterFile#ADOPTABLE}:
 * queue pointers and CSRs, ipsr, ddtp, fctl, queue bases) take the DUT's values, except the bits the
 * comparison masks because the spec leaves them open (busy, on, ...), which stay the model's;
 * the interrupt wires follow the adopted ipsr;
 * <li>a translation whose completion differs is not committed in the model (no A/D update, fault
 * record or cached entry of the model's own): the DUT's completion stands, with its writes above.
 * </ul>
 * Outbound messages leave no state. What stays unadopted is the DUT's hidden state (its caches);
 * a wrong entry there shows again as the same bug, with the same signature.
 */
final class Adoption {
    private final SeedContext seed;
    /** The words the model stored during the current action, each with its value before the action. */
    private long[] journalAddr = new long[16];
    private long[] journalOld = new long[16];
    private int journalSize;

    /** Journals the model's stores into {@code seed}'s memory from now on. */
    Adoption(SeedContext seed) {
        this.seed = seed;
        seed.memory.journal(this::journalStore);
    }

    /** Before each action: the journal starts empty. */
    void actionStarted() {
        journalSize = 0;
    }

    /** Remembers the value a word had before the action's first store to it. */
    private void journalStore(long word, long old) {
        for (int i = 0; i < journalSize; i++) if (journalAddr[i] == word) return;
        if (journalSize == journalAddr.length) {
            journalAddr = Arrays.copyOf(journalAddr, journalSize * 2);
            journalOld = Arrays.copyOf(journalOld, journalSize * 2);
        }
        journalAddr[journalSize] = word;
        journalOld[journalSize++] = old;
    }

    /** The model takes the DUT's memory writes and registers of the action that diverged. */
    void adopt() throws DutException {
        DutObservations observed = seed.observed;
        Map<Long, Long> words = new TreeMap<>();
        for (int i = 0; i < journalSize; i++) words.put(journalAddr[i], journalOld[i]);
        for (int i = 0; i < observed.writes; i++) {
            long a = observed.writeAddr[i] & ~7L;
            long base = words.containsKey(a) ? words.get(a) : seed.memory.load64(a);
            long mask = MemoryWriteCheck.strobeMask(observed.writeStrobe[i]);
            words.put(a, (base & ~mask) | (observed.writeData[i] & mask));
        }
        seed.memory.journal(null);
        for (Map.Entry<Long, Long> w : words.entrySet()) {
            seed.memory.store64(w.getKey(), w.getValue());
            seed.touchedPages.add(w.getKey() >>> 12);
        }
        seed.memory.journal(this::journalStore);
        int[] offsets = RegisterFile.ADOPTABLE;
        long[] values = new long[offsets.length];
        for (int i = 0; i < offsets.length; i++) {
            int size = RegisterFile.isEightByteRegister(offsets[i]) ? 8 : 4;
            long mask = seed.model.registerMasks().compareMask(offsets[i], size);
            long mine = seed.model.mmioRead(offsets[i], size);
            values[i] = (mine & ~mask) | (seed.driver.dut.mmioRead(offsets[i], size) & mask);
        }
        seed.model.adoptRegisters(offsets, values);
    }
}
