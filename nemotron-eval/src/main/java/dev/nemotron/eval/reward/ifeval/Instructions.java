package dev.nemotron.eval.reward.ifeval;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.api.options.Suggestions;
import dev.nemotron.api.reward.RewardInput;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every instruction the {@code ifeval} reward can check, by IFEval id, and the reading of an
 * example's instructions from a {@link RewardInput}.
 *
 * <p>An example names its instructions as Google's IFEval data does: {@code instruction_id_list},
 * a JSON array of ids, and {@code kwargs}, a JSON array of objects (one per id, same order; may be
 * left out when no instruction takes arguments). Both are read from the input's metadata (the
 * JSON text of each field); when the metadata holds no {@code instruction_id_list}, the
 * {@linkplain RewardInput#reference() reference} is read as a JSON object holding both fields.
 */
public final class Instructions {
    /** Metadata key of the JSON array of instruction ids. */
    public static final String IDS = "instruction_id_list";
    /** Metadata key of the JSON array of argument objects. */
    public static final String KWARGS = "kwargs";
    /** More instructions than this in one example is a data error (nothing is sized from it). */
    static final int MAX_INSTRUCTIONS = 64;

    private static final ObjectMapper JSON = JsonMappers.strict();
    private static final Map<String, Instruction.Kind> KINDS = kinds();

    private Instructions() {
    }

    private static Map<String, Instruction.Kind> kinds() {
        Map<String, Instruction.Kind> m = new LinkedHashMap<>();
        List<Instruction.Kind> all = new ArrayList<>();
        all.addAll(LengthChecks.kinds());
        all.addAll(KeywordChecks.kinds());
        all.addAll(FormatChecks.kinds());
        all.addAll(StyleChecks.kinds());
        for (Instruction.Kind k : all) {
            if (m.put(k.id(), k) != null) {
                throw new IllegalStateException("instruction " + k.id() + " defined twice");
            }
        }
        return Collections.unmodifiableMap(m);
    }

    /** The supported instruction ids, with one line each on what they check. */
    public static Map<String, String> supported() {
        Map<String, String> out = new LinkedHashMap<>();
        KINDS.values().forEach(k -> out.put(k.id(), k.description() + (k.kwargs().isEmpty() ? "" : " (kwargs: "
                + String.join(", ", k.kwargs().stream().sorted().toList()) + ")")));
        return out;
    }

    /**
     * Binds instruction {@code id} to its arguments.
     *
     * @throws NemotronException naming the instruction for an unknown id or a bad argument
     */
    static Instruction create(String id, JsonNode kwargs) {
        Instruction.Kind kind = KINDS.get(id);
        if (kind == null) {
            throw new NemotronException("ifeval: unknown instruction '" + id + "'" + Suggestions.didYouMean(Set.of(id), KINDS.keySet())
                    + " (supported: " + String.join(", ", KINDS.keySet()) + ")");
        }
        return kind.build().apply(new Kwargs(id, kwargs).requireOnly(kind.kwargs()));
    }

    /**
     * The instructions of one example.
     *
     * @throws NemotronException for missing, malformed or unknown instructions (a data error, not the model's)
     */
    static List<Instruction> of(RewardInput input) {
        JsonNode ids;
        JsonNode kwargs;
        String ref = input.reference().strip();
        if (input.metadata().containsKey(IDS)) {
            ids = parse(input.metadata().get(IDS), "metadata " + IDS);
            kwargs = input.metadata().containsKey(KWARGS) ? parse(input.metadata().get(KWARGS), "metadata " + KWARGS) : null;
        } else if (ref.startsWith("{")) {
            JsonNode row = parse(ref, "the reference");
            ids = row.get(IDS);
            kwargs = row.get(KWARGS);
        } else {
            throw new NemotronException("ifeval: the example names no instructions: give " + IDS + " (and " + KWARGS
                    + ") in its metadata, or a JSON object holding them as its reference");
        }
        if (ids == null || !ids.isArray() || ids.isEmpty() || ids.size() > MAX_INSTRUCTIONS) {
            throw new NemotronException("ifeval: " + IDS + " must be a JSON array of 1 to " + MAX_INSTRUCTIONS + " instruction ids, got "
                    + (ids == null ? "nothing" : NemotronException.oneLine(abbreviate(ids.toString()))));
        }
        if (kwargs != null && !kwargs.isNull() && (!kwargs.isArray() || kwargs.size() != ids.size())) {
            throw new NemotronException("ifeval: " + KWARGS + " must be a JSON array with one object per instruction (" + ids.size()
                    + "), got " + NemotronException.oneLine(abbreviate(kwargs.toString())));
        }
        List<Instruction> out = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            JsonNode id = ids.get(i);
            if (!id.isTextual()) {
                throw new NemotronException("ifeval: instruction ids must be strings, got " + NemotronException.oneLine(abbreviate(id.toString())));
            }
            out.add(create(id.textValue(), kwargs == null || kwargs.isNull() ? null : kwargs.get(i)));
        }
        return out;
    }

    private static JsonNode parse(String json, String where) {
        try {
            return JSON.readTree(json);
        } catch (JacksonException e) {
            throw new NemotronException("ifeval: " + where + " is not JSON: " + JsonMappers.problem(e));
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "...";
    }
}
