package dev.nemotron.compress.importance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.io.AtomicFiles;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.compress.prune.Rankings;
import dev.nemotron.train.autodiff.activation.ActivationStatistics.Aggregation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What importance estimation found, as written to {@code FILE.json}:
 *
 * <pre>
 * {"model": DIR, "calibration": {"data", "samples", "seq_len", "seed"}, "ranked_by": "l2",
 *  "layers": {"removal_order": [...], "chosen_mse": [...], "rounds": [[mse per layer or null], ...]},
 *  "hidden_channels": {"l2": [...], "mean": [...]},
 *  "mlp_neurons": {"LAYER": {"l2": [...], "mean": [...]}},
 *  "mamba_heads": {"LAYER": {"groups": G, "l2": [...], "mean": [...]}},
 *  "attention_heads": {"LAYER": {"l2": [...], "mean": [...]}}}
 * </pre>
 *
 * Scores: higher = more important; {@code l2} and {@code mean} are the batch aggregations of the
 * per-sequence means ({@link dev.nemotron.train.autodiff.activation.ActivationStatistics}). The
 * pruning {@link #rankings()} use {@code ranked_by}. {@code layers} is absent when depth was not estimated.
 *
 * @param layers per-layer-type unit scores: layer index → aggregation → scores
 */
public record ImportanceReport(String model, CalibrationSet.Spec calibration, Aggregation rankedBy,
                               LayerImportance.Result layers, Map<Aggregation, double[]> hiddenChannels,
                               Map<Integer, Map<Aggregation, double[]>> mlpNeurons, Map<Integer, Map<Aggregation, double[]>> mambaHeads,
                               Map<Integer, Integer> mambaGroups, Map<Integer, Map<Aggregation, double[]>> attentionHeads) {

    /** The scores pruning keeps by ({@link #rankedBy()}). */
    public Rankings rankings() {
        return new Rankings("importance", layers == null ? null : layers.removalOrder(), hiddenChannels.get(rankedBy),
                pick(mlpNeurons), pick(mambaHeads), pick(attentionHeads));
    }

    private Map<Integer, double[]> pick(Map<Integer, Map<Aggregation, double[]>> m) {
        Map<Integer, double[]> out = new LinkedHashMap<>();
        m.forEach((l, s) -> out.put(l, s.get(rankedBy)));
        return out;
    }

    /** The report as JSON. */
    public ObjectNode toJson() {
        ObjectNode o = JsonMappers.json().createObjectNode();
        o.put("model", model);
        ObjectNode c = o.putObject("calibration");
        c.put("data", calibration.data().toString());
        c.put("samples", calibration.samples());
        c.put("seq_len", calibration.seqLen());
        c.put("seed", calibration.seed());
        o.put("ranked_by", name(rankedBy));
        if (layers != null) {
            ObjectNode l = o.putObject("layers");
            ArrayNode order = l.putArray("removal_order");
            for (int i : layers.removalOrder()) {
                order.add(i);
            }
            numbers(l.putArray("chosen_mse"), layers.chosenMse());
            ArrayNode rounds = l.putArray("rounds");
            layers.rounds().forEach(r -> numbers(rounds.addArray(), r));
        }
        scores(o.putObject("hidden_channels"), hiddenChannels);
        units(o.putObject("mlp_neurons"), mlpNeurons, null);
        units(o.putObject("mamba_heads"), mambaHeads, mambaGroups);
        units(o.putObject("attention_heads"), attentionHeads, null);
        return o;
    }

    /** Writes {@link #toJson()} to {@code file} atomically. */
    public void write(Path file) {
        try {
            Path abs = file.toAbsolutePath();
            if (abs.getParent() != null) {
                Files.createDirectories(abs.getParent());
            }
            AtomicFiles.writeString(abs, JsonMappers.pretty().writeValueAsString(toJson()) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * The rankings of a report file written by {@link #write}.
     *
     * @throws NemotronException naming the file and the field when it is not such a report
     */
    public static Rankings readRankings(Path file) {
        JsonNode root;
        try {
            root = JsonMappers.lenient().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new NemotronException("--importance " + file + ": cannot read: " + e.getMessage(), e);
        }
        String by = text(root, file, "ranked_by");
        int[] order = null;
        JsonNode layers = root.get("layers");
        if (layers != null && layers.has("removal_order")) {
            order = ints(layers.get("removal_order"), file, "layers.removal_order");
        }
        return new Rankings("importance", order, doubles(field(field(root, file, "hidden_channels"), file, by), file, "hidden_channels." + by),
                perLayer(root, file, "mlp_neurons", by), perLayer(root, file, "mamba_heads", by),
                perLayer(root, file, "attention_heads", by));
    }

    private static Map<Integer, double[]> perLayer(JsonNode root, Path file, String name, String by) {
        Map<Integer, double[]> out = new LinkedHashMap<>();
        JsonNode m = root.get(name);
        if (m == null) {
            return out;
        }
        for (Map.Entry<String, JsonNode> e : m.properties()) {
            int layer;
            try {
                layer = Integer.parseInt(e.getKey());
            } catch (NumberFormatException x) {
                throw new NemotronException(file + ": " + name + " key '" + e.getKey() + "' is not a layer index");
            }
            out.put(layer, doubles(field(e.getValue(), file, by), file, name + "." + e.getKey() + "." + by));
        }
        return out;
    }

    private static JsonNode field(JsonNode node, Path file, String name) {
        JsonNode v = node == null ? null : node.get(name);
        if (v == null || v.isNull()) {
            throw new NemotronException(file + ": not an importance report (no field '" + name + "'); write one with "
                    + "'nemotron compress importance'");
        }
        return v;
    }

    private static String text(JsonNode root, Path file, String name) {
        JsonNode v = field(root, file, name);
        if (!v.isTextual() || !(v.textValue().equals("l2") || v.textValue().equals("mean"))) {
            throw new NemotronException(file + ": field '" + name + "' must be \"l2\" or \"mean\", got " + v);
        }
        return v.textValue();
    }

    private static double[] doubles(JsonNode a, Path file, String what) {
        if (!a.isArray()) {
            throw new NemotronException(file + ": " + what + " must be a list of numbers");
        }
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = a.get(i);
            if (!v.isNumber() && !v.isNull()) {
                throw new NemotronException(file + ": " + what + "[" + i + "] must be a number, got " + v);
            }
            out[i] = v.isNull() ? Double.NaN : v.doubleValue();
        }
        return out;
    }

    private static int[] ints(JsonNode a, Path file, String what) {
        double[] d = doubles(a, file, what);
        int[] out = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            if (d[i] != Math.rint(d[i]) || d[i] < 0) {
                throw new NemotronException(file + ": " + what + "[" + i + "] must be a layer index, got " + d[i]);
            }
            out[i] = (int) d[i];
        }
        return out;
    }

    static String name(Aggregation a) {
        return a.name().toLowerCase(Locale.ROOT);
    }

    private static void scores(ObjectNode o, Map<Aggregation, double[]> s) {
        s.forEach((a, v) -> numbers(o.putArray(name(a)), v));
    }

    private static void units(ObjectNode o, Map<Integer, Map<Aggregation, double[]>> m, Map<Integer, Integer> groups) {
        m.forEach((layer, s) -> {
            ObjectNode l = o.putObject(Integer.toString(layer));
            if (groups != null) {
                l.put("groups", groups.get(layer));
            }
            scores(l, s);
        });
    }

    private static void numbers(ArrayNode a, double[] v) {
        for (double x : v) {
            if (Double.isFinite(x)) {
                a.add(x);
            } else {
                a.addNull();
            }
        }
    }
}
