package dev.nemotron.align.dpo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.infer.server.ChatTemplateChoice;
import dev.nemotron.train.pretrain.PretrainSpec;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * A DPO run: the training fields of a {@link PretrainSpec} (steps, seq_len, batch = pairs per
 * step, lr, schedule, seed, checkpoints, resume, …; {@code init_model} is both the policy's start
 * and the frozen reference; {@code data} names pair JSONL files) plus DPO's own:
 *
 * <pre>
 * beta             0.1      the KL strength
 * loss             sigmoid  sigmoid (DPO) or ipo
 * label_smoothing  0        assumed share of flipped labels, in [0, 0.5) (sigmoid only)
 * skip_bad         false    skip (and count) bad lines instead of stopping at the first
 * chat_template    auto     auto (tokenizer_config.json's, else built-in), nemotron or jinja
 * </pre>
 * {@code seq_len} bounds each response sample (prompt + response); a pair's row holds both.
 */
public record DpoSpec(PretrainSpec training, DpoObjective objective, boolean skipBad, ChatTemplateChoice chatTemplate) {
    public static final Set<String> OWN_FIELDS = Set.of("beta", "loss", "label_smoothing", "skip_bad", "chat_template");

    /** Every field a DPO spec may hold. */
    public static Set<String> fields() {
        Set<String> all = new HashSet<>(PretrainSpec.FIELDS);
        all.addAll(OWN_FIELDS);
        return all;
    }

    /** Reads a spec object; errors name {@code source} and the field. */
    public static DpoSpec parse(JsonNode node, String source, Path baseDir) {
        if (node == null || !node.isObject()) {
            throw new NemotronException(source + ": expected a mapping of DPO fields");
        }
        ObjectNode rest = ((ObjectNode) node).deepCopy();
        rest.remove(OWN_FIELDS);
        PretrainSpec training = PretrainSpec.parse(rest, source, baseDir);
        if (training.initModel() == null) {
            throw new NemotronException(source + ": DPO needs 'init_model' (--init-model DIR): the policy's start and the reference");
        }
        JsonNode kind = node.get("loss");
        if (kind != null && !kind.isNull() && !kind.isTextual()) {
            throw new NemotronException(source + ": field 'loss' must be sigmoid or ipo, got " + kind);
        }
        DpoObjective objective;
        try {
            objective = new DpoObjective(kind == null || kind.isNull() ? DpoObjective.Kind.SIGMOID : DpoObjective.Kind.parse(kind.asText()),
                    number(node, "beta", DpoObjective.DEFAULT_BETA, source), number(node, "label_smoothing", 0, source));
        } catch (NemotronException e) {
            throw new NemotronException(source + ": " + e.getMessage(), e);
        }
        JsonNode skip = node.get("skip_bad");
        if (skip != null && !skip.isNull() && !skip.isBoolean()) {
            throw new NemotronException(source + ": field 'skip_bad' must be true or false, got " + skip);
        }
        JsonNode choice = node.get("chat_template");
        return new DpoSpec(training, objective, skip != null && skip.asBoolean(),
                choice == null || choice.isNull() ? ChatTemplateChoice.AUTO : ChatTemplateChoice.parse(choice.asText()));
    }

    private static double number(JsonNode node, String field, double dflt, String source) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber()) {
            throw new NemotronException(source + ": field '" + field + "' must be a number, got " + v);
        }
        return v.asDouble();
    }
}
