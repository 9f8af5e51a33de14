package dev.nemotron.eval.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.eval.config.Fields;
import dev.nemotron.eval.data.TaskLocation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads task files ({@code .yaml}, {@code .yml} or {@code .json}) into {@link TaskSpec}s. Every
 * problem is one {@link NemotronException} line naming the file and the field, e.g.
 * {@code my.yaml: generation.max_tokens must be >= 1, got 0}.
 */
public final class TaskReader {
    /** The top-level fields of a task file. */
    public static final List<String> FIELDS = List.of("name", "description", "dataset", "prompt", "fewshot", "output",
            "target", "canonical", "choices", "gold", "generation", "filters", "metrics", "repeats");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final ObjectMapper JSON = JsonMappers.strict();
    private static final ObjectMapper YAML = YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private TaskReader() {
    }

    /** Reads a task file; its relative paths resolve against its directory; its name defaults to the file name. */
    public static TaskSpec read(Path file) {
        String where = file.toString();
        String lower = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean yaml = lower.endsWith(".yaml") || lower.endsWith(".yml");
        if (!yaml && !lower.endsWith(".json")) {
            throw new NemotronException(where + ": a task file must be a .yaml, .yml or .json file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            Path dir = file.toAbsolutePath().normalize().getParent();
            String stem = file.getFileName().toString().replaceFirst("\\.(ya?ml|json)$", "");
            return parse(tree(in, yaml, where), where, TaskLocation.directory(dir), stem);
        } catch (NoSuchFileException e) {
            throw new NemotronException(where + ": no such task file");
        } catch (IOException e) {
            throw new NemotronException(where + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Reads a YAML or JSON task from a stream (built-in tasks). */
    public static TaskSpec read(InputStream in, boolean yaml, String origin, TaskLocation location, String defaultName) {
        return parse(tree(in, yaml, origin), origin, location, defaultName);
    }

    private static ObjectNode tree(InputStream in, boolean yaml, String where) {
        JsonNode root;
        try {
            root = (yaml ? YAML : JSON).readTree(in);
        } catch (JsonProcessingException e) {
            throw new NemotronException(where + ": syntax error: " + e.getOriginalMessage().lines().findFirst().orElse("")
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")"));
        } catch (IOException e) {
            throw new NemotronException(where + ": cannot read: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new NemotronException(where + ": the task file is empty");
        }
        if (!(root instanceof ObjectNode o)) {
            throw new NemotronException(where + ": a task must be a mapping (name, dataset, prompt, ...), got " + Fields.shown(root));
        }
        return o;
    }

    /**
     * Checks and reads a task tree.
     *
     * @param origin      the file (or {@code builtin:NAME}), the prefix of every message
     * @param defaultName the name when the tree has none
     */
    public static TaskSpec parse(ObjectNode tree, String origin, TaskLocation location, String defaultName) {
        Fields f = Fields.of(tree, origin);
        f.allowOnly(java.util.Set.copyOf(FIELDS));
        String name = f.string("name", defaultName);
        if (name == null || !NAME.matcher(name).matches()) {
            throw new NemotronException(origin + ": name '" + name + "' must consist of letters, digits, '_', '.' and '-'"
                    + " (it names the samples file)");
        }
        String where = origin + ":";
        OutputType output = OutputType.parse(f.string("output", "generate_until"), f.at("output"));
        Fields dataset = dataset(f);
        PromptSpec prompt = prompt(f);
        FewShotSpec fewshot = fewshot(f);
        Template target = optionalTemplate(f, "target");
        Template canonical = optionalTemplate(f, "canonical");
        ChoicesSpec choices = choices(f);
        Template gold = optionalTemplate(f, "gold");
        if (output == OutputType.MULTIPLE_CHOICE) {
            if (choices == null) {
                throw new NemotronException(where + " missing field 'choices' (multiple_choice needs the options:"
                        + " a list field's name or a list of templates)");
            }
            if (gold == null) {
                throw new NemotronException(where + " missing field 'gold' (multiple_choice needs the correct option:"
                        + " its index or its text)");
            }
        } else {
            if (target == null) {
                throw new NemotronException(where + " missing field 'target' (the reference answer, e.g. \"{{answer}}\")");
            }
            if (choices != null || gold != null) {
                throw new NemotronException(f.at(choices != null ? "choices" : "gold") + " is only for output multiple_choice");
            }
        }
        if (output != OutputType.GENERATE_UNTIL && prompt.chat()) {
            throw new NemotronException(f.at("prompt") + ".chat must be false for output " + output.wireName()
                    + " (log-likelihoods are scored on plain text)");
        }
        GenerationSpec generation = generation(f.object("generation"));
        List<Fields> filters = new ArrayList<>();
        for (Fields.Entry e : f.list("filters")) {
            Fields filter = Fields.of(e.value(), e.where());
            filter.string("type");
            filters.add(filter);
        }
        List<MetricSpec> metrics = metrics(f, output);
        int repeats = f.intAtLeast("repeats", 1, 1);
        return new TaskSpec(name, f.string("description", ""), dataset, prompt, fewshot, output, target,
                canonical != null ? canonical : target, choices, gold, generation, filters, metrics, repeats, tree,
                location, origin);
    }

    private static Fields dataset(Fields f) {
        JsonNode d = f.raw("dataset");
        if (d == null) {
            throw new NemotronException(f.where() + ": missing field 'dataset' (a JSONL file relative to the task file,"
                    + " or {type: ..., ...})");
        }
        if (d.isTextual()) {
            ObjectNode o = JsonNodeFactory.instance.objectNode().put("type", "jsonl").put("path", d.textValue());
            return Fields.of(o, f.at("dataset"));
        }
        Fields ds = f.object("dataset");
        ds.string("type");
        return ds;
    }

    private static PromptSpec prompt(Fields f) {
        JsonNode p = f.raw("prompt");
        if (p == null) {
            throw new NemotronException(f.where() + ": missing field 'prompt' (a template such as \"Question: {{question}}\\nAnswer:\")");
        }
        if (p.isTextual()) {
            return new PromptSpec(Template.parse(p.textValue(), f.at("prompt")), false, null, " ", "\n\n");
        }
        Fields ps = f.object("prompt");
        ps.allowOnly("template", "chat", "system", "target_delimiter", "fewshot_delimiter");
        return new PromptSpec(Template.parse(ps.string("template"), ps.at("template")), ps.bool("chat", false),
                ps.string("system", null), ps.string("target_delimiter", " "), ps.string("fewshot_delimiter", "\n\n"));
    }

    private static FewShotSpec fewshot(Fields f) {
        JsonNode raw = f.raw("fewshot");
        if (raw == null) {
            return FewShotSpec.none();
        }
        if (raw.isIntegralNumber()) {
            return new FewShotSpec(f.intAtLeast("fewshot", 0, 0), null, 1234, null);
        }
        Fields fs = f.object("fewshot");
        fs.allowOnly("n", "file", "seed", "target");
        Long seed = fs.longValue("seed");
        String target = fs.string("target", null);
        return new FewShotSpec(fs.intAtLeast("n", 0, 0), fs.string("file", null), seed == null ? 1234 : seed,
                target == null ? null : Template.parse(target, fs.at("target")));
    }

    private static Template optionalTemplate(Fields f, String field) {
        String s = f.string(field, null);
        return s == null ? null : Template.parse(s, f.at(field));
    }

    private static ChoicesSpec choices(Fields f) {
        JsonNode c = f.raw("choices");
        if (c == null) {
            return null;
        }
        if (c.isTextual()) {
            return new ChoicesSpec(c.textValue(), List.of());
        }
        List<String> texts = f.strings("choices");
        if (texts.size() < 2) {
            throw new NemotronException(f.at("choices") + " needs at least two options, got " + texts.size());
        }
        List<Template> templates = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            templates.add(Template.parse(texts.get(i), f.at("choices") + "[" + i + "]"));
        }
        return new ChoicesSpec(null, templates);
    }

    private static GenerationSpec generation(Fields g) {
        g.allowOnly("max_tokens", "stop", "temperature", "top_p", "top_k", "seed", "thinking", "max_thinking_tokens",
                "thinking_grace_tokens");
        int maxTokens = g.intAtLeast("max_tokens", 1, 256);
        List<String> stop = g.strings("stop");
        for (int i = 0; i < stop.size(); i++) {
            if (stop.get(i).isEmpty()) {
                throw new NemotronException(g.at("stop") + "[" + i + "] must not be empty");
            }
        }
        Double temperature = g.number("temperature");
        if (temperature != null && !(temperature >= 0)) {
            throw new NemotronException(g.at("temperature") + " must be >= 0, got " + temperature);
        }
        Double topP = g.number("top_p");
        if (topP != null && !(topP > 0 && topP <= 1)) {
            throw new NemotronException(g.at("top_p") + " must be in (0, 1], got " + topP);
        }
        Integer budget = g.integer("max_thinking_tokens");
        if (budget != null && budget < 0) {
            throw new NemotronException(g.at("max_thinking_tokens") + " must be >= 0, got " + budget);
        }
        Integer grace = g.integer("thinking_grace_tokens");
        if (grace != null && grace < 0) {
            throw new NemotronException(g.at("thinking_grace_tokens") + " must be >= 0, got " + grace);
        }
        Long seed = g.longValue("seed");
        return new GenerationSpec(maxTokens, stop, temperature == null ? 0 : temperature, topP == null ? 1 : topP,
                g.intAtLeast("top_k", 0, 0), seed == null ? 1234 : seed, g.bool("thinking"), budget, grace);
    }

    private static List<MetricSpec> metrics(Fields f, OutputType output) {
        List<MetricSpec> out = new ArrayList<>();
        for (Fields.Entry e : f.list("metrics")) {
            if (e.value().isTextual()) {
                out.add(new MetricSpec(e.value().textValue(), Fields.of(null, e.where()), List.of("mean"), e.where()));
                continue;
            }
            Fields m = Fields.of(e.value(), e.where());
            String name = m.string("name");
            List<String> aggregations = m.strings("aggregations");
            ObjectNode options = m.node().deepCopy();
            options.remove("name");
            options.remove("aggregations");
            out.add(new MetricSpec(name, Fields.of(options, e.where()), aggregations.isEmpty() ? List.of("mean") : aggregations,
                    e.where()));
        }
        if (f.has("metrics") && out.isEmpty()) {
            throw new NemotronException(f.at("metrics") + " is empty: name at least one metric");
        }
        if (out.isEmpty()) {
            List<String> defaults = switch (output) {
                case GENERATE_UNTIL -> List.of("exact_match");
                case LOGLIKELIHOOD -> List.of("acc", "loglikelihood");
                case MULTIPLE_CHOICE -> List.of("acc", "acc_norm");
            };
            for (String name : defaults) {
                out.add(new MetricSpec(name, Fields.of(null, f.at("metrics")), List.of("mean"), f.at("metrics")));
            }
        }
        return out;
    }
}
