package dev.lockstep.triage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lockstep.regression.BadInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Known failure signatures a team has filed: a divergence whose signature a waiver covers does not fail
 * its seed; it is counted and reported as waived. The file (JSON):
 *
 * <pre>
 * { "waivers": [
 *     { "signature": "S-55d8b54a", "reason": "TTYP packed one bit low", "tracking": "RTL-123" },
 *     { "pattern": "memory write/fault record/*", "reason": "...", "tracking": "RTL-124" } ] }
 * </pre>
 *
 * {@code signature} is a signature's id or its whole key; {@code pattern} is a glob over keys ({@code *}
 * any characters, {@code ?} one). Each waiver has exactly one of the two, and a non-empty {@code reason}
 * and {@code tracking}. Waivers are tried in file order; the first that covers a signature claims it.
 */
public final class Waivers implements Predicate<Signature> {

    /** One waiver: what it matches, why, and where it is tracked. */
    public record Waiver(String signature, String pattern, String reason, String tracking) {
        boolean covers(Signature s, Pattern glob) {
            if (signature != null) return signature.equals(s.id()) || signature.equals(s.key());
            return glob.matcher(s.key()).matches();
        }

        /** What it matches, as the file says it. */
        public String match() { return signature != null ? signature : pattern; }
    }

    public static final Waivers NONE = new Waivers(List.of());

    private static final Set<String> KEYS = Set.of("signature", "pattern", "reason", "tracking");

    private final List<Waiver> waivers;
    private final List<Pattern> globs = new ArrayList<>();

    /** Waivers from a list (e.g. read back from a summary.json). */
    public static Waivers of(List<Waiver> waivers) { return new Waivers(waivers); }

    private Waivers(List<Waiver> waivers) {
        this.waivers = List.copyOf(waivers);
        for (Waiver w : waivers) globs.add(w.pattern == null ? null : glob(w.pattern));
    }

    public List<Waiver> all() { return waivers; }

    public boolean isEmpty() { return waivers.isEmpty(); }

    /** The first waiver that covers {@code s}, or null. */
    public Waiver claim(Signature s) {
        for (int i = 0; i < waivers.size(); i++) {
            if (waivers.get(i).covers(s, globs.get(i))) return waivers.get(i);
        }
        return null;
    }

    @Override
    public boolean test(Signature s) { return claim(s) != null; }

    /** Reads a waiver file; a malformed one is bad input naming the file, the waiver and the key. */
    public static Waivers read(Path file) throws BadInputException {
        JsonNode root = dev.lockstep.regression.JsonFiles.read(file, "--waivers " + file);
        JsonNode list = root == null ? null : root.get("waivers");
        if (list == null || !list.isArray()) {
            throw new BadInputException("--waivers " + file + ": expected an object with a 'waivers' array");
        }
        List<Waiver> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode w = list.get(i);
            String where = "--waivers " + file + ": waivers[" + i + "]";
            if (!w.isObject()) throw new BadInputException(where + ": not an object");
            var names = w.fieldNames();
            while (names.hasNext()) {
                String k = names.next();
                if (!KEYS.contains(k)) {
                    throw new BadInputException(where + ": unknown key '" + k + "' (keys: signature or pattern, "
                            + "reason, tracking)");
                }
            }
            String signature = text(w, "signature", where, false);
            String pattern = text(w, "pattern", where, false);
            if ((signature == null) == (pattern == null)) {
                throw new BadInputException(where + ": give exactly one of 'signature' and 'pattern'");
            }
            out.add(new Waiver(signature, pattern, text(w, "reason", where, true), text(w, "tracking", where, true)));
        }
        return new Waivers(out);
    }

    private static String text(JsonNode n, String key, String where, boolean required) throws BadInputException {
        JsonNode v = n.get(key);
        if (v == null) {
            if (required) throw new BadInputException(where + ": missing '" + key + "'");
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank()) throw new BadInputException(where + ": '" + key + "' must be a non-empty string");
        return v.asText();
    }

    /** A glob ('*' any characters, '?' one) as a regular expression over a whole key. */
    static Pattern glob(String g) {
        StringBuilder re = new StringBuilder();
        for (char c : g.toCharArray()) {
            if (c == '*') re.append(".*");
            else if (c == '?') re.append('.');
            else re.append(Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
