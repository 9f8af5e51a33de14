package dev.nemotron.eval.task;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.eval.data.Doc;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A text with {@code {{field}}} placeholders filled from a {@link Doc}: {@code {{question}}},
 * nested {@code {{meta.source}}}, list elements {@code {{choices.0}}}; spaces inside the braces
 * are allowed. Strings are inserted as they are, numbers and booleans as written in JSON, lists
 * and mappings as JSON. There is no other syntax: no filters, loops or escapes ({@code {{} and
 * {@code }}} cannot appear in the literal text).
 */
public final class Template {
    private static final Pattern PATH = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

    private final String source;
    private final String where;
    private final List<String> literals;
    private final List<String> paths;

    private Template(String source, String where, List<String> literals, List<String> paths) {
        this.source = source;
        this.where = where;
        this.literals = literals;
        this.paths = paths;
    }

    /**
     * Parses {@code source}.
     *
     * @param where the field it came from, for messages (e.g. {@code "gsm8k.yaml: prompt.template"})
     * @throws NemotronException for an unclosed {@code {{} or an empty or malformed field name
     */
    public static Template parse(String source, String where) {
        Objects.requireNonNull(source, "source");
        List<String> literals = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        int pos = 0;
        while (true) {
            int open = source.indexOf("{{", pos);
            if (open < 0) {
                literals.add(source.substring(pos));
                break;
            }
            int close = source.indexOf("}}", open + 2);
            if (close < 0) {
                throw new NemotronException(where + ": '{{' at offset " + open + " is never closed with '}}'");
            }
            String path = source.substring(open + 2, close).strip();
            if (!PATH.matcher(path).matches()) {
                throw new NemotronException(where + ": '{{" + source.substring(open + 2, close) + "}}' is not a field name"
                        + " (letters, digits, '_', '-', dots for nesting)");
            }
            literals.add(source.substring(pos, open));
            paths.add(path);
            pos = close + 2;
        }
        return new Template(source, where, List.copyOf(literals), List.copyOf(paths));
    }

    /** The text as written. */
    public String source() {
        return source;
    }

    /** The field paths it reads, in order. */
    public List<String> fields() {
        return paths;
    }

    /**
     * The text with every placeholder filled from {@code doc}.
     *
     * @throws NemotronException naming the template's field and the doc when a field is missing
     */
    public String render(Doc doc) {
        StringBuilder out = new StringBuilder(literals.getFirst());
        for (int i = 0; i < paths.size(); i++) {
            JsonNode v = doc.get(paths.get(i));
            if (v == null) {
                throw new NemotronException(where + ": " + doc.where() + " has no field '" + paths.get(i) + "'");
            }
            out.append(v.isValueNode() ? v.asText() : v.toString()).append(literals.get(i + 1));
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return source;
    }
}
