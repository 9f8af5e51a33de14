package dev.nemotron.eval.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.eval.config.Fields;
import dev.nemotron.eval.data.TaskLocation;
import java.util.List;
import java.util.Objects;

/**
 * An evaluation task as a task file describes it (see {@code docs/eval.md} for the format). The
 * parts that plugins supply (the data source type, answer filters, metrics) are kept as written
 * and resolved when the task is prepared for a run.
 *
 * @param name        the task's name (results, samples file)
 * @param description one line, or empty
 * @param dataset     the {@code dataset} mapping (with its {@code type})
 * @param prompt      how a problem becomes a prompt
 * @param fewshot     few-shot examples
 * @param output      what is asked of the model
 * @param target      the reference answer ({@code generate_until}, {@code loglikelihood}); null for multiple choice
 * @param canonical   the completion a perfect model would write (the {@code canonical} model's
 *                    answer); defaults to {@code target}
 * @param choices     the options of a multiple-choice task, else null
 * @param gold        the correct option (an index or the option's text), else null
 * @param generation  sampling, stop sequences, token limit, thinking
 * @param filters     answer filters in order, each a mapping with {@code type}
 * @param metrics     the metrics
 * @param repeats     samples per problem (avg@k, pass@k)
 * @param config      the whole task as read (overrides included): what the config digest covers
 * @param location    where the task's relative paths resolve
 * @param origin      the task file, or {@code builtin:NAME}
 */
public record TaskSpec(String name, String description, Fields dataset, PromptSpec prompt, FewShotSpec fewshot,
                       OutputType output, Template target, Template canonical, ChoicesSpec choices, Template gold,
                       GenerationSpec generation, List<Fields> filters, List<MetricSpec> metrics, int repeats,
                       ObjectNode config, TaskLocation location, String origin) {
    public TaskSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(output, "output");
        filters = List.copyOf(filters);
        metrics = List.copyOf(metrics);
        config = config.deepCopy();
    }

    /** The fields a plain value may stand for: {@code prompt: "..."}, {@code fewshot: 8}, {@code dataset: file.jsonl}. */
    private static final java.util.Map<String, String> SHORTHAND = java.util.Map.of("prompt", "template", "fewshot", "n",
            "dataset", "path");

    @Override
    public ObjectNode config() {
        return config.deepCopy();
    }

    /**
     * This task with one field of the task file replaced (a dotted path, e.g.
     * {@code "generation.max_thinking_tokens"}, intermediate mappings created, a shorthand such as
     * {@code fewshot: 8} expanded to {@code {n: 8}}), read again and checked as a whole: how
     * command-line overrides apply.
     */
    public TaskSpec with(String path, JsonNode value) {
        ObjectNode tree = config.deepCopy();
        String[] parts = path.split("\\.");
        ObjectNode cur = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode next = cur.get(parts[i]);
            if (next == null || next.isNull()) {
                cur = cur.putObject(parts[i]);
            } else if (next.isObject()) {
                cur = (ObjectNode) next;
            } else if (i == 0 && SHORTHAND.containsKey(parts[0]) && next.isValueNode()) {
                JsonNode shorthand = next;
                cur = cur.putObject(parts[0]);
                cur.set(SHORTHAND.get(parts[0]), shorthand);
                if (parts[0].equals("dataset")) {
                    cur.put("type", "jsonl");
                }
            } else {
                throw new dev.nemotron.api.NemotronException(origin + ": cannot override '" + path + "': '" + parts[i]
                        + "' is not a mapping");
            }
        }
        cur.set(parts[parts.length - 1], value);
        return TaskReader.parse(tree, origin, location, name);
    }
}
