package dev.nemotron.align.grpo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.infer.server.ChatTemplateChoice;
import dev.nemotron.train.pretrain.PretrainSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A GRPO run: the training fields of a {@link PretrainSpec} ({@code init_model}, {@code steps},
 * {@code batch} = prompts per step, {@code lr}, {@code schedule}, {@code warmup}, {@code seed},
 * {@code threads}, {@code grad_clip}, {@code out}, ...) plus GRPO's own:
 *
 * <pre>
 * prompts               required  JSONL of prompts (GrpoPrompt)
 * reward                required  reward names, "math" or "math,format" or a list
 * reward_weights        1 each    one weight per reward ("1,0.5" or a list)
 * reward_options        none      {name: {option: value}}
 * group                 8         samples per prompt (G >= 2)
 * max_tokens            128       new tokens per sample (reasoning included)
 * temperature           1.0       sampling temperature of the rollouts
 * no_think_fraction     0.0       share of the prompts rendered with reasoning off
 * epsilon               0.2       clip range of the importance ratio
 * beta                  0.04      KL (k3) coefficient; 0: no reference model
 * scale_rewards         true      divide advantages by the group's std (+ adv_eps); false: mean-only
 * adv_eps               1e-4      added to the std
 * updates_per_rollout   1         optimizer steps on each rollout batch
 * rollout_batch         16        sequences the engine decodes together
 * chat_template         auto      auto, nemotron or jinja
 * </pre>
 */
public record GrpoSpec(PretrainSpec training, Path prompts, List<GrpoRewards.Term> rewards, int group, int maxTokens,
                       double temperature, double noThinkFraction, double epsilon, double beta, boolean scaleRewards,
                       double advEps, int updatesPerRollout, int rolloutBatch, ChatTemplateChoice chatTemplate) {
    public static final Set<String> OWN_FIELDS = Set.of("prompts", "reward", "reward_weights", "reward_options", "group",
            "max_tokens", "temperature", "no_think_fraction", "epsilon", "beta", "scale_rewards", "adv_eps",
            "updates_per_rollout", "rollout_batch", "chat_template");

    /** The most samples (prompts x group) one step may generate and train on. */
    public static final int MAX_SAMPLES_PER_STEP = 65_536;

    public GrpoSpec {
        rewards = List.copyOf(rewards);
    }

    /** Every field a GRPO spec may hold ({@code data} is not one: the prompts are {@code prompts}). */
    public static Set<String> fields() {
        Set<String> all = new HashSet<>(PretrainSpec.FIELDS);
        all.remove("data");
        all.addAll(OWN_FIELDS);
        return all;
    }

    /** Reads a spec object; errors name {@code source} and the field. */
    public static GrpoSpec parse(JsonNode node, String source, Path baseDir) {
        if (node == null || !node.isObject()) {
            throw new NemotronException(source + ": expected a mapping of GRPO fields");
        }
        if (node.has("data")) {
            throw new NemotronException(source + ": GRPO takes 'prompts' (a JSONL of prompts), not 'data'");
        }
        JsonNode promptsNode = node.get("prompts");
        if (promptsNode == null || !promptsNode.isTextual() || promptsNode.asText().isBlank()) {
            throw new NemotronException(source + ": missing required field 'prompts' (a JSONL file: one {\"prompt\": ...} or "
                    + "{\"messages\": [...]} per line, with \"answer\")");
        }
        ObjectNode rest = ((ObjectNode) node).deepCopy();
        rest.remove(OWN_FIELDS);
        rest.put("data", promptsNode.asText());
        PretrainSpec training = PretrainSpec.parse(rest, source, baseDir);
        if (training.initModel() == null) {
            throw new NemotronException(source + ": GRPO starts from a model: give 'init_model' (--init-model DIR)");
        }
        Path prompts = training.data().getFirst().dir();
        List<GrpoRewards.Term> terms = rewards(node, source);
        double epsilon = number(node, "epsilon", 0.2, 0, 1, source);
        double beta = number(node, "beta", 0.04, 0, 100, source);
        int group = integer(node, "group", 8, 2, 1024, source);
        if ((long) training.batch() * group > MAX_SAMPLES_PER_STEP) {
            throw new NemotronException(source + ": " + training.batch() + " prompts x " + group + " samples per step is more than "
                    + MAX_SAMPLES_PER_STEP + " samples; lower 'batch' (prompts per step) or 'group'");
        }
        return new GrpoSpec(training, prompts, terms, group,
                integer(node, "max_tokens", 128, 1, 1 << 20, source), number(node, "temperature", 1.0, 1e-6, 100, source),
                number(node, "no_think_fraction", 0.0, 0, 1, source), epsilon, beta, bool(node, "scale_rewards", true, source),
                number(node, "adv_eps", 1e-4, 0, 1, source), integer(node, "updates_per_rollout", 1, 1, 1000, source),
                integer(node, "rollout_batch", 16, 1, 4096, source),
                node.hasNonNull("chat_template") ? ChatTemplateChoice.parse(node.get("chat_template").asText()) : ChatTemplateChoice.AUTO);
    }

    private static List<GrpoRewards.Term> rewards(JsonNode node, String source) {
        List<String> names = strings(node.get("reward"));
        if (names.isEmpty() || names.stream().anyMatch(String::isBlank)) {
            throw new NemotronException(source + ": missing required field 'reward' (reward names, e.g. math or math,format; "
                    + "`nemotron eval rewards` lists them)");
        }
        List<String> weightTexts = strings(node.get("reward_weights"));
        if (!weightTexts.isEmpty() && weightTexts.size() != names.size()) {
            throw new NemotronException(source + ": " + weightTexts.size() + " reward_weights for " + names.size()
                    + " rewards (" + String.join(", ", names) + "): give one weight per reward");
        }
        JsonNode options = node.get("reward_options");
        if (options != null && !options.isNull() && !options.isObject()) {
            throw new NemotronException(source + ": 'reward_options' must be a mapping {reward: {option: value}}");
        }
        if (options != null && options.isObject()) {
            options.fieldNames().forEachRemaining(n -> {
                if (!names.contains(n)) {
                    throw new NemotronException(source + ": reward_options names '" + n + "', which is not among the rewards ("
                            + String.join(", ", names) + ")");
                }
            });
        }
        List<GrpoRewards.Term> terms = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            double w = 1.0;
            if (!weightTexts.isEmpty()) {
                try {
                    w = Double.parseDouble(weightTexts.get(i));
                } catch (NumberFormatException e) {
                    w = Double.NaN;
                }
                if (!Double.isFinite(w)) {
                    throw new NemotronException(source + ": reward weight '" + weightTexts.get(i) + "' is not a finite number");
                }
            }
            Map<String, String> opts = new LinkedHashMap<>();
            JsonNode o = options == null ? null : options.get(names.get(i));
            if (o != null && !o.isNull()) {
                if (!o.isObject()) {
                    throw new NemotronException(source + ": reward_options." + names.get(i) + " must be a mapping of options");
                }
                o.fields().forEachRemaining(f -> opts.put(f.getKey(), f.getValue().asText()));
            }
            terms.add(new GrpoRewards.Term(names.get(i), w, opts));
        }
        return terms;
    }

    /** "a,b", ["a", "b"] or a number: the items as strings. */
    private static List<String> strings(JsonNode v) {
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (v.isArray()) {
            v.forEach(e -> out.add(e.asText().strip()));
        } else {
            for (String s : v.asText().split(",", -1)) {
                out.add(s.strip());
            }
        }
        return out;
    }

    private static double number(JsonNode node, String field, double dflt, double min, double max, String source) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        double x = Double.NaN;
        if (v.isNumber()) {
            x = v.asDouble();
        } else if (v.isTextual()) {
            try {
                x = Double.parseDouble(v.asText());
            } catch (NumberFormatException e) {
                x = Double.NaN;
            }
        }
        if (!(x >= min && x <= max)) {
            throw new NemotronException(source + ": field '" + field + "' must be a number in [" + min + ", " + max + "], got " + v);
        }
        return x;
    }

    private static int integer(JsonNode node, String field, int dflt, int min, int max, String source) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        long x;
        if (v.canConvertToExactIntegral() && v.canConvertToLong()) {
            x = v.asLong();
        } else if (v.isTextual() && v.asText().matches("[0-9]{1,10}")) {
            x = Long.parseLong(v.asText());
        } else {
            x = Long.MIN_VALUE;
        }
        if (x < min || x > max) {
            throw new NemotronException(source + ": field '" + field + "' must be an integer in [" + min + ", " + max + "], got " + v);
        }
        return (int) x;
    }

    private static boolean bool(JsonNode node, String field, boolean dflt, String source) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isTextual() && (v.asText().equals("true") || v.asText().equals("false"))) {
            return Boolean.parseBoolean(v.asText());
        }
        throw new NemotronException(source + ": field '" + field + "' must be true or false, got " + v);
    }
}
