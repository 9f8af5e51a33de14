package dev.nemotron.train.pretrain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron.api.NemotronException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything one pretraining (or continued-pretraining) run needs, as read from a JSON/YAML spec
 * or the {@code nemotron pretrain} flags. Field names are the spec's (snake_case); see
 * docs/training.md "Pretraining" for the table.
 *
 * @param modelConfig    config.json of a model to initialise randomly (null when {@code initModel} is set)
 * @param initModel      a model directory (HF layout) to continue from (null: random initialisation)
 * @param tokenizer      tokenizer.json copied into the output model (null: the init model's or none)
 * @param data           training datasets (Arrow token dataset directories) with blend weights
 * @param curriculum     phases (end fraction, weights by dataset name); empty: one phase, {@code data}'s weights
 * @param evalData       held-out dataset (null: no held-out loss, unless {@code evalFraction} > 0)
 * @param evalFraction   when &gt; 0 (and no {@code evalData}): hold out this fraction of the first data
 *                       source's documents into {@code OUT/data/NAME-heldout} (training on the rest)
 * @param schedule       "wsd", "cosine" or "constant"
 * @param decayStart     WSD: the decay starts at this fraction of the steps
 * @param fp8            the FP8 recipe (E4M3 block-wise GEMMs, first/last {@code fp8EdgeLayers} linear layers BF16)
 * @param threads        worker threads for a batch's sequences (results are bit-identical for a given count)
 * @param stopAt         stop (with a checkpoint) after this step although the schedule runs to {@code steps};
 *                       a later run with {@code resume} continues exactly as if never stopped (0: no early stop)
 * @param backend        null: the float64 host trainer; else the backend whose training execution runs the
 *                       steps (e.g. "cuda"; docs/training.md "On the GPU")
 * @param precision      device GEMM inputs: "fp32" (default) or "bf16" (fp32 accumulation, fp32 master weights)
 */
public record PretrainSpec(Path modelConfig, Path initModel, Path tokenizer, List<DataSource> data,
                           List<Phase> curriculum, Path evalData, double evalFraction, long evalEvery, int evalSequences,
                           long steps, int seqLen, int batch, String schedule, double lr, double minLr, long warmup,
                           double decayStart, String optimizer, double weightDecay, double beta1, double beta2,
                           double gradClip, long seed, int threads, boolean fp8, int fp8EdgeLayers,
                           long checkpointEvery, long stopAt, Path out, boolean resume, String backend,
                           String precision) {

    /** One training dataset and its blend weight. */
    public record DataSource(Path dir, double weight) {
    }

    /** One curriculum phase: used until {@code end} x the run's tokens, with weights by dataset name. */
    public record Phase(double end, Map<String, Double> weights) {
    }

    public static final Set<String> FIELDS = Set.of("model_config", "init_model", "tokenizer", "data", "curriculum",
            "eval_data", "eval_fraction", "eval_every", "eval_sequences", "steps", "seq_len", "batch", "schedule", "lr", "min_lr",
            "warmup", "decay_start", "optimizer", "weight_decay", "beta1", "beta2", "grad_clip", "seed", "threads",
            "fp8", "fp8_edge_layers", "checkpoint_every", "stop_at", "out", "resume", "backend", "precision");

    public PretrainSpec {
        data = List.copyOf(data);
        curriculum = List.copyOf(curriculum);
    }

    /**
     * Reads a spec object. Relative paths resolve against {@code baseDir} (the spec file's
     * directory, or the working directory for flags); errors name {@code source} and the field.
     */
    public static PretrainSpec parse(JsonNode node, String source, Path baseDir) {
        SpecReader r = new SpecReader(node, source, baseDir);
        r.requireOnly(FIELDS);
        Path modelConfig = r.path("model_config");
        Path initModel = r.path("init_model");
        if ((modelConfig == null) == (initModel == null)) {
            throw new NemotronException(source + ": give exactly one of 'model_config' (a config.json to initialise "
                    + "randomly) and 'init_model' (a model directory to continue from)");
        }
        List<DataSource> data = new ArrayList<>();
        for (JsonNode d : r.list("data")) {
            if (d.isTextual()) {
                data.add(new DataSource(r.resolve(d.asText()), 1.0));
            } else {
                SpecReader e = new SpecReader(d, source + ": data entry", baseDir);
                e.requireOnly(Set.of("path", "weight"));
                data.add(new DataSource(e.path("path"), e.number("weight", 1.0, Double.MIN_VALUE, Double.MAX_VALUE)));
                if (data.getLast().dir() == null) {
                    throw new NemotronException(source + ": a data entry needs a 'path'");
                }
            }
        }
        if (data.isEmpty()) {
            throw new NemotronException(source + ": missing required field 'data' (token dataset directories)");
        }
        List<Phase> phases = new ArrayList<>();
        for (JsonNode p : r.list("curriculum")) {
            SpecReader e = new SpecReader(p, source + ": curriculum phase " + (phases.size() + 1), baseDir);
            e.requireOnly(Set.of("end", "weights"));
            double end = e.number("end", Double.NaN, Double.MIN_VALUE, 1.0);
            JsonNode w = e.raw("weights");
            if (Double.isNaN(end) || w == null || !w.isObject() || w.isEmpty()) {
                throw new NemotronException(e.source() + ": needs 'end' (a fraction in (0, 1]) and 'weights' "
                        + "(an object: dataset name -> weight)");
            }
            Map<String, Double> weights = new LinkedHashMap<>();
            w.fields().forEachRemaining(f -> {
                if (!f.getValue().isNumber() || f.getValue().asDouble() < 0) {
                    throw new NemotronException(e.source() + ": weight of '" + f.getKey() + "' must be a number >= 0");
                }
                weights.put(f.getKey(), f.getValue().asDouble());
            });
            phases.add(new Phase(end, weights));
        }
        long steps = r.positiveLong("steps", null);
        String schedule = r.text("schedule", initModel != null ? "constant" : "wsd");
        if (!Set.of("wsd", "cosine", "constant").contains(schedule)) {
            throw new NemotronException(source + ": field 'schedule' must be wsd, cosine or constant, got '" + schedule + "'");
        }
        double lr = r.number("lr", 4.5e-4, Double.MIN_VALUE, 10);
        int threads = r.positiveInt("threads", Runtime.getRuntime().availableProcessors());
        Path out = r.path("out");
        if (out == null) {
            throw new NemotronException(source + ": missing required field 'out' (the run directory)");
        }
        if (r.has("warmup") && r.nonNegativeLong("warmup", 0) > steps) {
            throw new NemotronException(source + ": field 'warmup' (" + r.nonNegativeLong("warmup", 0)
                    + ") must not exceed 'steps' (" + steps + ")");
        }
        Path evalData = r.path("eval_data");
        double evalFraction = r.number("eval_fraction", 0, 0, 0.5);
        if (evalData != null && evalFraction > 0) {
            throw new NemotronException(source + ": give either 'eval_data' or 'eval_fraction', not both");
        }
        return new PretrainSpec(modelConfig, initModel, r.path("tokenizer"), data, phases, evalData, evalFraction,
                r.positiveLong("eval_every", Math.max(1, steps / 10)), r.positiveInt("eval_sequences", 16), steps,
                r.positiveInt("seq_len", 256), r.positiveInt("batch", 8), schedule, lr,
                r.number("min_lr", lr / 100, 0, lr), r.nonNegativeLong("warmup", Math.min(steps / 10, 100)),
                r.number("decay_start", 0.8, 0, 1), r.text("optimizer", "adamw"),
                r.number("weight_decay", 0.1, 0, 10), r.number("beta1", 0.9, 0, 0.999999),
                r.number("beta2", 0.95, 0, 0.999999), r.number("grad_clip", 1.0, 0, Double.MAX_VALUE),
                r.nonNegativeLong("seed", 1234), threads, r.bool("fp8", false),
                (int) r.nonNegativeLong("fp8_edge_layers", 4), r.nonNegativeLong("checkpoint_every", 0),
                r.nonNegativeLong("stop_at", 0), out,
                r.bool("resume", false), r.has("backend") ? r.text("backend", "") : null, precision(r, source));
    }

    private static String precision(SpecReader r, String source) {
        String p = r.text("precision", "fp32");
        if (!p.equals("fp32") && !p.equals("bf16")) {
            throw new NemotronException(source + ": field 'precision' must be fp32 or bf16 (the device trainer's GEMM"
                    + " inputs), got '" + p + "'");
        }
        if (!p.equals("fp32") && !r.has("backend")) {
            throw new NemotronException(source + ": field 'precision' " + p + " needs a device backend (--backend cuda);"
                    + " the host trainer computes in float64 (its BF16/FP8 simulation is --fp8)");
        }
        return p;
    }
}
