package dev.lockstep.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A VCD file read for tests: its timescale, and each signal's value changes by its dotted scope path. */
public final class Vcd {

    public record Change(long time, long value) {}

    private final String timescale;
    private final Map<String, String> codes;
    private final Map<String, List<Change>> changes;

    private Vcd(String timescale, Map<String, String> codes, Map<String, List<Change>> changes) {
        this.timescale = timescale;
        this.codes = codes;
        this.changes = changes;
    }

    public static Vcd read(Path file) throws IOException {
        String text = Files.readString(file);
        if (!text.startsWith("$")) throw new AssertionError(file + " does not start like a VCD");
        String[] tokens = text.split("\\s+");
        String timescale = null;
        Map<String, String> codes = new HashMap<>();
        Map<String, List<Change>> changes = new HashMap<>();
        Deque<String> scope = new ArrayDeque<>();
        long time = 0;
        for (int i = 0; i < tokens.length; i++) {
            String t = tokens[i];
            switch (t) {
                case "$timescale" -> timescale = tokens[++i];
                case "$version", "$date", "$comment" -> {
                    while (!tokens[i].equals("$end")) i++;
                }
                case "$scope" -> { scope.addLast(tokens[i + 2]); i += 3; }
                case "$upscope" -> { scope.removeLast(); i++; }
                case "$var" -> {
                    String code = tokens[i + 3];
                    String name = String.join(".", scope) + "." + tokens[i + 4];
                    codes.putIfAbsent(name, code);
                    changes.putIfAbsent(code, new ArrayList<>());
                    while (!tokens[i].equals("$end")) i++;
                }
                default -> {
                    if (t.startsWith("#")) {
                        time = Long.parseLong(t.substring(1));
                    } else if (t.startsWith("b")) {
                        add(changes, tokens[++i], time, new java.math.BigInteger(t.substring(1).replaceAll("[xz]", "0"), 2).longValue());
                    } else if (!t.isEmpty() && (t.charAt(0) == '0' || t.charAt(0) == '1') && changes.containsKey(t.substring(1))) {
                        add(changes, t.substring(1), time, t.charAt(0) - '0');
                    }
                }
            }
        }
        return new Vcd(timescale, codes, changes);
    }

    private static void add(Map<String, List<Change>> changes, String code, long time, long value) {
        List<Change> l = changes.get(code);
        if (l != null) l.add(new Change(time, value));
    }

    public String timescale() { return timescale; }

    /** The signal's dumped values in time order (the first dump gives every signal's initial value). */
    public List<Change> changes(String name) {
        String code = codes.get(name);
        if (code == null) throw new AssertionError("no signal " + name + " in the VCD (has: " + codes.keySet().stream()
                .filter(n -> n.split("\\.").length == 2).sorted().toList() + ")");
        return changes.get(code);
    }

    /** The signal's value at {@code time}: its last change at or before it. */
    public long valueAt(String name, long time) {
        long v = -1;
        for (Change c : changes(name)) {
            if (c.time() > time) break;
            v = c.value();
        }
        return v;
    }
}
