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

    public record Mutant(int id, String name, String description) {}

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

    /** A mutant by name or number; 0 or "none" is the unmutated DUT. */
    public static Mutant resolve(String nameOrId, Path tsv) throws BadInputException {
        if (nameOrId == null || nameOrId.equals("none") || nameOrId.equals("0")) return new Mutant(0, "none", "no planted bug");
        for (Mutant m : read(tsv)) {
            if (m.name().equals(nameOrId) || String.valueOf(m.id()).equals(nameOrId)) return m;
        }
        throw new BadInputException("--mutant: no planted bug named '" + nameOrId + "' in " + tsv
                + " (see 'bin/lockstep mutants --list')");
    }
}
