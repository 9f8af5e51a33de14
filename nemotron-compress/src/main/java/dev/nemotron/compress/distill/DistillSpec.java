package dev.nemotron.compress.distill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.train.pretrain.PretrainSpec;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A distillation run: a pretraining spec (the student's data, schedule, checkpoints, ...) plus
 * the frozen teacher and the divergence. Fields beyond pretraining's (snake_case, as flags with
 * dashes):
 *
 * <pre>
 * teacher                 model directory of the frozen teacher (required)
 * student                 the student's model directory (= init_model; e.g. a pruned model)
 * temperature             T > 0 (default 1)
 * divergence              forward (default) or reverse
 * top_k                   0 (default): the whole vocabulary; k: the teacher's k most likely tokens
 * post_training_data      with pretraining_data: the data mix, instead of 'data'
 * pretraining_data
 * post_training_fraction  the share of post-training data in the mix (default 0.7, the paper's best)
 * </pre>
 */
public record DistillSpec(PretrainSpec pretrain, Path teacher, double temperature, Divergence divergence, int topK,
                          Double postTrainingFraction) {
    public static final double DEFAULT_POST_TRAINING_FRACTION = 0.7;
    public static final Set<String> FIELDS = Set.of("teacher", "student", "temperature", "divergence", "top_k",
            "post_training_data", "pretraining_data", "post_training_fraction");

    /** Every field a distillation spec may hold: pretraining's plus {@link #FIELDS}. */
    public static Set<String> allFields() {
        Set<String> all = new LinkedHashSet<>(PretrainSpec.FIELDS);
        all.addAll(FIELDS);
        return all;
    }

    /**
     * Rewrites {@code student} to {@code init_model} and the data mix ({@code post_training_data},
     * {@code pretraining_data}, {@code post_training_fraction}) to weighted {@code data} entries, in
     * place: after this, the node's data entries are pretraining's. Idempotent.
     */
    public static void normalise(ObjectNode node, String source) {
        JsonNode student = node.remove("student");
        if (student != null && !student.isNull()) {
            JsonNode init = node.get("init_model");
            if (init != null && !init.isNull() && !init.equals(student)) {
                throw new NemotronException(source + ": give the student once: 'student' (--student) or 'init_model' "
                        + "(--init-model), not two different models");
            }
            node.set("init_model", student);
            node.remove("model_config");
        }
        JsonNode post = node.get("post_training_data");
        JsonNode pre = node.get("pretraining_data");
        if (post == null && pre == null) {
            if (node.has("post_training_fraction")) {
                throw new NemotronException(source + ": 'post_training_fraction' needs 'post_training_data' and "
                        + "'pretraining_data' (--post-training-data, --pretraining-data)");
            }
            return;
        }
        if (post == null || pre == null || !post.isTextual() || !pre.isTextual()) {
            throw new NemotronException(source + ": the data mix needs both 'post_training_data' and 'pretraining_data' "
                    + "(one dataset or text file each)");
        }
        JsonNode data = node.get("data");
        if (data != null && !data.isNull() && !(data.isArray() && data.isEmpty())) {
            throw new NemotronException(source + ": give either 'data' (--data) or the mix 'post_training_data' + "
                    + "'pretraining_data', not both");
        }
        double f = DEFAULT_POST_TRAINING_FRACTION;
        JsonNode fn = node.get("post_training_fraction");
        if (fn != null && !fn.isNull()) {
            if (!fn.isNumber() || !(fn.asDouble() > 0) || !(fn.asDouble() < 1)) {
                throw new NemotronException(source + ": field 'post_training_fraction' must be a number in (0, 1), got " + fn);
            }
            f = fn.asDouble();
        }
        ArrayNode arr = node.putArray("data");
        arr.addObject().put("path", post.asText()).put("weight", f);
        arr.addObject().put("path", pre.asText()).put("weight", 1 - f);
        node.remove(List.of("post_training_data", "pretraining_data", "post_training_fraction"));
        node.put("mix_post_training_fraction", f);
    }

    /** Reads a distillation spec; relative paths resolve against {@code baseDir}. */
    public static DistillSpec parse(JsonNode node, String source, Path baseDir) {
        if (node == null || !node.isObject()) {
            throw new NemotronException(source + ": expected a JSON object of distillation fields");
        }
        ObjectNode n = ((ObjectNode) node).deepCopy();
        normalise(n, source);
        Double mix = n.has("mix_post_training_fraction") ? n.remove("mix_post_training_fraction").asDouble() : null;
        n.remove("post_training_fraction");
        JsonNode teacher = n.remove("teacher");
        if (teacher == null || !teacher.isTextual() || teacher.asText().isBlank()) {
            throw new NemotronException(source + ": missing required field 'teacher' (--teacher DIR: the frozen teacher model)");
        }
        double temperature = number(n.remove("temperature"), 1.0, "temperature", source);
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new NemotronException(source + ": field 'temperature' must be a positive number, got " + temperature);
        }
        JsonNode div = n.remove("divergence");
        Divergence divergence = div == null || div.isNull() ? Divergence.FORWARD : Divergence.parse(div.asText());
        double k = number(n.remove("top_k"), 0, "top_k", source);
        if (k < 0 || k != Math.rint(k) || k > Integer.MAX_VALUE) {
            throw new NemotronException(source + ": field 'top_k' must be an integer >= 0 (0: the whole vocabulary), got " + k);
        }
        Set<String> unknown = new HashSet<>();
        n.fieldNames().forEachRemaining(unknown::add);
        unknown.removeAll(PretrainSpec.FIELDS);
        if (!unknown.isEmpty()) {
            throw new NemotronException(source + ": unknown field '" + unknown.iterator().next() + "'; known fields: "
                    + String.join(", ", new java.util.TreeSet<>(allFields())));
        }
        PretrainSpec pretrain = PretrainSpec.parse(n, source, baseDir);
        Path teacherDir = baseDir == null ? Path.of(teacher.asText()) : baseDir.resolve(teacher.asText());
        return new DistillSpec(pretrain, teacherDir, temperature, divergence, (int) k, mix);
    }

    private static double number(JsonNode v, double fallback, String field, String source) {
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isNumber()) {
            throw new NemotronException(source + ": field '" + field + "' must be a number, got " + v);
        }
        return v.asDouble();
    }
}
