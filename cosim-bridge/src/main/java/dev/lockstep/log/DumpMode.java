package dev.lockstep.log;

import java.util.Locale;

/** Which seeds keep their log (--dump). */
public enum DumpMode {
    ALL, FAILING, NONE;

    public static DumpMode parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--dump must be all, failing or none, got '" + s + "'");
        }
    }

    boolean keeps(boolean passed) { return this == ALL || (this == FAILING && !passed); }
}
