package dev.nemotron.align.sft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.infer.server.ChatTemplateChoice;
import dev.nemotron.train.pretrain.PretrainSpec;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * An SFT run: the training fields of a {@link PretrainSpec} (steps, seq_len, batch, lr, schedule,
 * seed, checkpoints, resume, …; {@code data} and {@code eval_data} name SFT JSONL files;
 * {@code eval_fraction} holds out that share of the conversations) plus SFT's own:
 *
 * <pre>
 * no_think_fraction  0.1    conversations rendered with reasoning off and an empty trace
 * truncate_trace     none   "MIN:MAX": cut traces at N tokens, N uniform in [MIN, MAX], closed with &lt;/think&gt;
 * truncate_fraction  1.0    share of the reasoning samples cut (when truncate_trace is given)
 * pack               true   greedy packing into rows of seq_len; false: one sample per row
 * skip_bad           false  skip (and count) bad lines instead of stopping at the first
 * chat_template      auto   auto (tokenizer_config.json's, else built-in), nemotron or jinja
 * </pre>
 */
public record SftSpec(PretrainSpec training, SftTransforms transforms, boolean pack, boolean skipBad,
                      ChatTemplateChoice chatTemplate) {
    public static final Set<String> OWN_FIELDS = Set.of("no_think_fraction", "truncate_trace", "truncate_fraction", "pack",
            "skip_bad", "chat_template");

    /** Every field an SFT spec may hold. */
    public static Set<String> fields() {
        Set<String> all = new HashSet<>(PretrainSpec.FIELDS);
        all.addAll(OWN_FIELDS);
        return all;
    }

    /** Reads a spec object; errors name {@code source} and the field. */
    public static SftSpec parse(JsonNode node, String source, Path baseDir) {
        if (node == null || !node.isObject()) {
            throw new NemotronException(source + ": expected a mapping of SFT fields");
        }
        ObjectNode rest = ((ObjectNode) node).deepCopy();
        rest.remove(OWN_FIELDS);
        PretrainSpec training = PretrainSpec.parse(rest, source, baseDir);
        double noThink = number(node, "no_think_fraction", SftTransforms.DEFAULT_NO_THINK_FRACTION, source);
        double truncFraction = number(node, "truncate_fraction", 1.0, source);
        if (!(noThink >= 0 && noThink <= 1) || !(truncFraction >= 0 && truncFraction <= 1)) {
            throw new NemotronException(source + ": 'no_think_fraction' and 'truncate_fraction' must be in [0, 1]");
        }
        SftTransforms t = SftTransforms.of(noThink, training.seed());
        JsonNode range = node.get("truncate_trace");
        if (range != null && !range.isNull()) {
            int[] r = SftTransforms.parseRange(range.asText());
            t = t.withTruncation(r[0], r[1], truncFraction);
        }
        JsonNode choice = node.get("chat_template");
        return new SftSpec(training, t, bool(node, "pack", true, source), bool(node, "skip_bad", false, source),
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

    private static boolean bool(JsonNode node, String field, boolean dflt, String source) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw new NemotronException(source + ": field '" + field + "' must be true or false, got " + v);
        }
        return v.asBoolean();
    }
}
