package dev.lockstep.regression;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The planted bugs of the built-in DUT, read from {@code rtl-stubs/mutants.tsv} (id, name, description). */
public final class Mutants {
    private Mutants() {}

    /** The most planted bugs selected together: the DUT's 32-bit mutant input holds one id per byte. */
    public static final int MAX_SELECTED = 4;

    /**
     * A selection of planted bugs: one from the list, or several ({@code a,b,c}) whose {@code id} packs
     * their ids one per byte from bits [7:0] up (lockstep_reset() in lockstep_dut.h), and whose name
     * is their names joined by commas, as {@code --mutant} takes them back.
     */
    public record Mutant(int id, String name, String description) {
        /** The planted-bug ids this selection enables, in the order given (empty for none). */
        public List<Integer> ids() { return unpack(id); }

        /**
         * Whether the selection holds a planted bug of the AXI wrapper ({@code rtl-stubs/axi/}, names
         * {@value #AXI_WRAPPER_PREFIX}*): it is live only through the wrapper, never on the native DUT.
         */
        /** A concurrency bug: live only while requests overlap ({@code --overlap} above 1). */
        public boolean needsOverlap() {
            for (String n : name.split(",")) if (n.startsWith(OVERLAP_PREFIX)) return true;
            return false;
        }

        public boolean needsAxiWrapper() {
            for (String n : name.split(",")) if (n.startsWith(AXI_WRAPPER_PREFIX)) return true;
            return false;
        }
    }

    /** The name prefix of the AXI wrapper's own planted bugs in {@code mutants.tsv}. */
    /** Names of the built-in DUT's concurrency bugs start with this. */
    public static final String OVERLAP_PREFIX = "ovl_";

    public static final String AXI_WRAPPER_PREFIX = "axi_";

    /** The ids packed in a mutant value, lowest byte first, empty slots skipped. */
    public static List<Integer> unpack(int packed) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < MAX_SELECTED; i++) {
            int id = (packed >>> (8 * i)) & 0xff;
            if (id != 0) ids.add(id);
        }
        return ids;
    }

    /** The mutant value of {@code ids} (each 1..255, at most {@link #MAX_SELECTED}). */
    public static int pack(List<Integer> ids) {
        if (ids.size() > MAX_SELECTED) throw new IllegalArgumentException("at most " + MAX_SELECTED + " planted bugs");
        int packed = 0;
        for (int i = 0; i < ids.size(); i++) {
            int id = ids.get(i);
            if (id < 1 || id > 255) throw new IllegalArgumentException("planted-bug id " + id + " is not in 1..255");
            packed |= id << (8 * i);
        }
        return packed;
    }

    public static List<Mutant> read(Path tsv) throws BadInputException {
        List<String> lines;
        try {
            lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BadInputException("cannot read the mutant list " + tsv + ": " + e.getMessage());
        }
        List<Mutant> mutants = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] parts = line.split("\t", 3);
            if (parts.length != 3) {
                throw new BadInputException(tsv + ":" + (i + 1) + ": expected 'id<TAB>name<TAB>description'");
            }
            try {
                mutants.add(new Mutant(Integer.parseInt(parts[0].trim()), parts[1].trim(), parts[2].trim()));
            } catch (NumberFormatException e) {
                throw new BadInputException(tsv + ":" + (i + 1) + ": mutant id '" + parts[0] + "' is not a number");
            }
        }
        return mutants;
    }

    /**
     * A selection by name or number, or a comma-separated list of them (up to {@link #MAX_SELECTED}
     * different bugs enabled together); 0 or "none" is the unmutated DUT.
     */
    public static Mutant resolve(String nameOrIds, Path tsv) throws BadInputException {
        if (nameOrIds == null || nameOrIds.equals("none") || nameOrIds.equals("0")) return new Mutant(0, "none", "no planted bug");
        String[] parts = nameOrIds.split(",", -1);
        if (parts.length == 1) return one(parts[0], read(tsv), tsv);
        if (parts.length > MAX_SELECTED) {
            throw new BadInputException("--mutant " + nameOrIds + ": at most " + MAX_SELECTED
                    + " planted bugs can be enabled together (the DUT's mutant input holds one id per byte)");
        }
        List<Mutant> all = read(tsv);
        List<Integer> ids = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<String> descriptions = new ArrayList<>();
        for (String part : parts) {
            Mutant m = one(part.trim(), all, tsv);
            if (ids.contains(m.id())) throw new BadInputException("--mutant " + nameOrIds + ": " + m.name() + " is given twice");
            ids.add(m.id());
            names.add(m.name());
            descriptions.add(m.name() + ": " + m.description());
        }
        return new Mutant(pack(ids), String.join(",", names), String.join("; ", descriptions));
    }

    private static Mutant one(String nameOrId, List<Mutant> all, Path tsv) throws BadInputException {
        for (Mutant m : all) {
            if (m.name().equals(nameOrId) || String.valueOf(m.id()).equals(nameOrId)) {
                if (m.id() < 1 || m.id() > 255) {
                    throw new BadInputException(tsv + ": mutant id " + m.id() + " of " + m.name() + " is not in 1..255");
                }
                return m;
            }
        }
        throw new BadInputException("--mutant: no planted bug named '" + nameOrId + "' in " + tsv
                + " (see 'bin/lockstep mutants --list')");
    }
}
