package dev.nemotron.pipeline;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.api.options.Suggestions;
import dev.nemotron.api.pipeline.StageParams;
import dev.nemotron.api.pipeline.StageSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads a pipeline spec from a {@code .json}, {@code .yaml} or {@code .yml} file. Both formats
 * give the same spec; every problem is one line naming the file and the field:
 *
 * <pre>
 * name: quickstart            # optional; default: the file name without extension
 * out: runs/quickstart        # relative to the spec file's directory; --out overrides it
 * model: models/base          # optional initial input model, relative to the spec file's directory
 * stages:
 *   - {name: data, type: tokenize, text: [corpus.txt]}
 *   - {name: sample, type: generate, prompts: ["Hello"]}
 * </pre>
 */
public final class SpecReader {
    /** The top-level fields a spec may have. */
    static final Set<String> FIELDS = Set.of("name", "description", "out", "model", "stages");
    /** Letters, digits, '_' and '-': a stage name is a directory name and the first part of a reference. */
    static final Pattern STAGE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");

    private static final ObjectMapper JSON = JsonMappers.strict();
    private static final ObjectMapper YAML = YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private SpecReader() {
    }

    /** {@link #read(Path, Path, Path)} with the spec's own {@code out} and {@code model}. */
    public static PipelineSpec read(Path file) {
        return read(file, null, null);
    }

    /**
     * Reads and checks the spec in {@code file}.
     *
     * @param outOverride   the {@code --out} directory (relative to the working directory), or
     *                      null for the spec's {@code out}
     * @param modelOverride the {@code --model} directory (relative to the working directory), or
     *                      null for the spec's {@code model}
     * @throws NemotronException for a missing or unreadable file, a syntax error, a missing or
     *     mistyped field, a bad or duplicate stage name
     */
    public static PipelineSpec read(Path file, Path outOverride, Path modelOverride) {
        String where = file.toString();
        String lower = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!lower.endsWith(".yaml") && !lower.endsWith(".yml") && !lower.endsWith(".json")) {
            throw new NemotronException(where + ": a pipeline spec must be a .json, .yaml or .yml file");
        }
        JsonNode root = readTree(file);
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new NemotronException(where + ": the spec is empty");
        }
        if (!root.isObject()) {
            throw new NemotronException(where + ": the spec must be a mapping with 'stages' (and 'name', 'out', 'model'), got "
                    + kind(root));
        }
        Set<String> unknown = new TreeSet<>();
        root.fieldNames().forEachRemaining(unknown::add);
        unknown.removeAll(FIELDS);
        if (!unknown.isEmpty()) {
            throw new NemotronException(where + ": unknown field '" + unknown.iterator().next() + "' (known: "
                    + String.join(", ", new TreeSet<>(FIELDS)) + ")" + Suggestions.didYouMean(unknown.iterator().next(), FIELDS));
        }
        Path specFile = file.toAbsolutePath().normalize();
        Path base = specFile.getParent();
        String name = optionalText(root, "name", where);
        if (name == null) {
            String fileName = specFile.getFileName().toString();
            name = fileName.substring(0, fileName.lastIndexOf('.'));
        }
        if (name.isBlank()) {
            throw new NemotronException(where + ": field 'name' must not be blank");
        }
        optionalText(root, "description", where);
        String outText = optionalText(root, "out", where);
        Path out;
        if (outOverride != null) {
            out = outOverride.toAbsolutePath().normalize();
        } else if (outText != null && !outText.isBlank()) {
            out = base.resolve(outText).normalize();
        } else {
            throw new NemotronException(where + ": missing field 'out' (the output directory; or give --out DIR)");
        }
        String modelText = optionalText(root, "model", where);
        Path model = modelOverride != null ? modelOverride.toAbsolutePath().normalize()
                : modelText == null || modelText.isBlank() ? null : base.resolve(modelText).normalize();
        if (model != null && !Files.isDirectory(model)) {
            throw new NemotronException((modelOverride != null ? "--model " + modelOverride : where + ": model " + model)
                    + " is not a directory");
        }
        return new PipelineSpec(name, specFile, base, out, model, stages(root.get("stages"), where));
    }

    private static List<StageSpec> stages(JsonNode stages, String where) {
        if (stages == null || stages.isNull()) {
            throw new NemotronException(where + ": missing field 'stages' (a list of {name, type, ...})");
        }
        if (!stages.isArray()) {
            throw new NemotronException(where + ": field 'stages' must be a list of {name, type, ...}, got " + kind(stages));
        }
        if (stages.isEmpty()) {
            throw new NemotronException(where + ": field 'stages' is empty: give at least one stage");
        }
        List<StageSpec> out = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < stages.size(); i++) {
            StageSpec s = stage(stages.get(i), where + ": stages[" + i + "]");
            Integer previous = seen.putIfAbsent(s.name(), i);
            if (previous != null) {
                throw new NemotronException(where + ": two stages are named '" + s.name() + "' (stages[" + previous + "] and stages["
                        + i + "]); give each stage a distinct 'name'");
            }
            out.add(s);
        }
        return out;
    }

    private static StageSpec stage(JsonNode entry, String where) {
        if (!entry.isObject()) {
            throw new NemotronException(where + " must be a mapping {name, type, ...}, got " + kind(entry));
        }
        String type = optionalText(entry, "type", where);
        String name = optionalText(entry, "name", where);
        if (type == null || type.isBlank()) {
            throw new NemotronException(where + (name != null ? " ('" + name + "')" : "") + ": missing field 'type' (the stage type,"
                    + " see 'nemotron pipeline stages')");
        }
        if (name == null) {
            name = type;
        }
        if (!STAGE_NAME.matcher(name).matches()) {
            throw new NemotronException(where + ": stage name '" + name + "' must consist of letters, digits, '_' and '-'"
                    + " (it names the stage's directory and its outputs, ${" + "name.key})");
        }
        Map<String, Object> params = new LinkedHashMap<>();
        entry.properties().forEach(e -> {
            if (!e.getKey().equals("name") && !e.getKey().equals("type")) {
                params.put(e.getKey(), JsonTrees.toPlain(e.getValue()));
            }
        });
        return new StageSpec(name, type, StageParams.of(name, params));
    }

    private static String optionalText(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new NemotronException(where + ": field '" + field + "' must be a string, got " + kind(v));
        }
        return v.textValue();
    }

    private static String kind(JsonNode n) {
        String text = n.toString();
        String shown = text.length() > 60 ? text.substring(0, 57) + "..." : text;
        if (n.isArray()) {
            return "a list " + shown;
        }
        if (n.isObject()) {
            return "a mapping " + shown;
        }
        return shown;
    }

    /**
     * The JSON ({@code .json}) or YAML ({@code .yaml}, {@code .yml}; anything else is read as
     * JSON) document in {@code file}, duplicate keys rejected.
     *
     * @throws NemotronException for a missing or unreadable file or a syntax error (with line and column)
     */
    public static JsonNode readTree(Path file) {
        String where = file.toString();
        String lower = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean yaml = lower.endsWith(".yaml") || lower.endsWith(".yml");
        if (!Files.isRegularFile(file)) {
            throw new NemotronException(where + ": no such file");
        }
        try {
            return (yaml ? YAML : JSON).readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new NemotronException(where + ": not valid " + (yaml ? "YAML" : "JSON") + ": " + describe(e));
        } catch (IOException e) {
            throw new NemotronException(where + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** The parser's complaint on one line, with where it was. */
    private static String describe(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException y && y.getProblem() != null) {
            String what = (y.getContext() == null ? "" : y.getContext() + ": ") + y.getProblem();
            Mark at = y.getProblemMark();
            return at == null ? what : what + " (line " + (at.getLine() + 1) + ", column " + (at.getColumn() + 1) + ")";
        }
        String msg = e.getOriginalMessage() == null ? e.toString() : e.getOriginalMessage();
        String first = msg.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse(msg);
        JsonLocation loc = e.getLocation();
        if (loc != null && loc.getLineNr() > 0) {
            return first + " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
        }
        return first;
    }
}
