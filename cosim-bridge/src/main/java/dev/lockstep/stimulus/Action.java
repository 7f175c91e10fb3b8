package dev.lockstep.stimulus;

/**
 * One step of stimulus, applied to the model and the DUT alike. Records, so that logs can hold them
 * and replay them.
 */
public sealed interface Action permits Action.RegisterRead, Action.RegisterWrite {

    /** A one-line description for reports, e.g. {@code write ddtp (0x10, 8 B) = 0x...}. */
    String describe();

    record RegisterRead(int offset, int size) implements Action {
        @Override
        public String describe() {
            return String.format("read %s (0x%x, %d B)", RegisterNames.name(offset), offset, size);
        }
    }

    record RegisterWrite(int offset, int size, long value) implements Action {
        @Override
        public String describe() {
            return String.format("write %s (0x%x, %d B) = 0x%x", RegisterNames.name(offset), offset, size, value);
        }
    }
}
