package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.cli.output.Json;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.distributed.ProcessGroup;
import dev.nemotron.api.distributed.Rendezvous;
import dev.nemotron.pipeline.SpecReader;
import dev.nemotron.cli.train.TrainingInputs;
import dev.nemotron.cli.train.TrainingProgress;
import dev.nemotron.train.pretrain.PretrainJob;
import dev.nemotron.train.pretrain.PretrainResult;
import dev.nemotron.train.pretrain.PretrainSpec;
import dev.nemotron.train.trainer.StepMetrics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nemotron pretrain} (and {@code nemotron cpt}): a training run from flags, a JSON/YAML
 * spec file ({@code --config}), or both (flags win). See docs/training.md "Pretraining".
 */
@Command(name = "pretrain", mixinStandardHelpOptions = true,
        description = "Pretrain a hybrid model (AdamW + WSD by default) on token datasets or text/JSONL files.")
public class PretrainCommand implements Callable<Integer> {
    private static final ObjectMapper TREES = JsonMappers.json();

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "SPEC.json|yaml", description = "A spec file with the fields below in snake_case (flags override it).")
    Path config;

    @Option(names = "--model-config", paramLabel = "CONFIG.json", description = "Model config to initialise randomly (or a directory holding config.json).")
    String modelConfig;

    @Option(names = "--init-model", paramLabel = "DIR", description = "Continue from this model directory instead (continued pretraining).")
    String initModel;

    @Option(names = "--data", arity = "1..*", paramLabel = "FILE_OR_DATASET", description = "Token dataset directories, or text/.jsonl files to tokenise (PATH or PATH:WEIGHT).")
    List<String> data = new ArrayList<>();

    @Option(names = "--eval-data", paramLabel = "FILE_OR_DATASET", description = "Held-out data for the periodic held-out loss.")
    String evalData;

    @Option(names = "--eval-fraction", paramLabel = "F", description = "Hold out this fraction of the first data source's documents instead.")
    Double evalFraction;

    @Option(names = "--eval-every", paramLabel = "K", description = "Steps between held-out evaluations (default: steps / 10).")
    Long evalEvery;

    @Option(names = "--tokenizer", paramLabel = "FILE_OR_DIR", description = "Tokenizer for text data, shipped with the model (default: tokenizer.json beside the model config).")
    String tokenizer;

    @Option(names = "--steps", paramLabel = "N", description = "Optimizer steps.")
    Long steps;

    @Option(names = "--seq-len", paramLabel = "L", description = "Sequence length (default 256).")
    Integer seqLen;

    @Option(names = "--batch", paramLabel = "B", description = "Sequences per step (default 8).")
    Integer batch;

    @Option(names = "--lr", paramLabel = "X", description = "Peak learning rate (default 4.5e-4, the paper's).")
    Double lr;

    @Option(names = "--min-lr", paramLabel = "X", description = "Final learning rate of wsd/cosine (default lr / 100).")
    Double minLr;

    @Option(names = "--warmup", paramLabel = "N", description = "Warmup steps (default min(steps / 10, 100)).")
    Long warmup;

    @Option(names = "--schedule", paramLabel = "NAME", description = "wsd (default), cosine or constant.")
    String schedule;

    @Option(names = "--optimizer", paramLabel = "NAME", description = "adamw (default) or any optimizer plugin's name.")
    String optimizer;

    @Option(names = "--weight-decay", paramLabel = "X", description = "Decoupled weight decay (default 0.1).")
    Double weightDecay;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of initialisation and data order.")
    Long seed;

    @Option(names = "--threads", paramLabel = "T", description = "Worker threads (default: all cores).")
    Integer threads;

    @Option(names = "--fp8", description = "The FP8 recipe: E4M3 block-wise GEMMs, first/last 4 linear layers BF16.")
    Boolean fp8;

    @Option(names = "--backend", paramLabel = "NAME", description = "Train on this backend's device (e.g. cuda; default: the float64 host trainer).")
    String backend;

    @Option(names = "--precision", paramLabel = "fp32|bf16", description = "Device GEMM inputs with --backend (default fp32; bf16: fp32 accumulation and master weights).")
    String precision;

    @Option(names = "--ranks", paramLabel = "N", description = "Data-parallel ranks: N child processes on this host, each taking B/N rows of every batch (sft: whole packed rows; dpo: pairs); --batch a multiple of N (default 1; pretrain, cpt, sft, dpo). See docs/distributed.md.")
    Integer ranks;

    @Option(names = "--gpus", paramLabel = "N", description = "N ranks with one GPU each (CUDA_VISIBLE_DEVICES=r; --backend cuda unless another is given).")
    Integer gpus;

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory: metrics.jsonl, checkpoints, model/, loss.png.")
    String out;

    @Option(names = "--checkpoint-every", paramLabel = "K", description = "Steps between checkpoints (default: only at the end).")
    Long checkpointEvery;

    @Option(names = "--stop-at", paramLabel = "STEP", description = "Stop after STEP (with a checkpoint) although the schedule runs to --steps; --resume continues it bit-identically.")
    Long stopAt;

    @Option(names = "--resume", description = "Continue the run in --out from its latest checkpoint.")
    Boolean resume;

    @Option(names = "--json", description = "Print the summary as JSON (default: a line of text).")
    boolean json;

    /** Defaults a subcommand adds before the spec file and the flags (cpt: a constant LR, etc.). */
    protected void defaults(ObjectNode node) {
    }

    @Override
    public Integer call() {
        if (initModel != null) {
            ModelDirectoryOption.check(spec, "--init-model", initModel);
        }
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        defaults(node);
        if (config != null) {
            var file = SpecReader.readTree(config);
            if (file == null || !file.isObject()) {
                throw new NemotronException(config + ": expected a mapping of pretraining fields at the top level");
            }
            node.setAll((ObjectNode) file);
        }
        overlay(node);
        overlayMore(node);
        Path cwd = Path.of("").toAbsolutePath();
        String source = config != null ? config.toString() : spec.name();
        Rendezvous rank = Rendezvous.fromEnvironment(System.getenv()).orElse(null);
        int n = DataParallelRun.ranks(spec, ranks, gpus, node, rank);
        if (rank != null || n > 1) {
            DataParallelRun dp = new DataParallelRun(spec, n);
            if (rank == null) {
                dp.launch(prepare(node, cwd, source).training());
                return 0;
            }
            PretrainResult r = dp.rank(prepare(node, cwd, source), rank);
            if (r != null) {
                report(r, Json.object());
            }
            return 0;
        }
        report(train(node, cwd, source), Json.object());
        return 0;
    }

    /** Flags a subcommand adds over the spec file and the common flags. */
    protected void overlayMore(ObjectNode node) {
    }

    /**
     * A run ready to train: its training fields, and the job, run alone ({@code group} null) or as
     * one rank of a data-parallel group (rank 0 alone writes the run directory and returns the result
     * to report).
     */
    protected record Prepared(PretrainSpec training, Job job) {
        PretrainResult run(ProcessGroup group, Consumer<StepMetrics> onStep) {
            return job.run(group, onStep);
        }
    }

    /** A run's job: alone ({@code group} null) or as one rank of {@code group}. */
    @FunctionalInterface
    protected interface Job {
        PretrainResult run(ProcessGroup group, Consumer<StepMetrics> onStep);
    }

    /**
     * Parses the merged spec {@code node} (relative paths against {@code cwd}; errors name
     * {@code source}) and readies its inputs (pretraining: text data tokenised, once: a data-parallel
     * launcher does it before the ranks start, and the ranks find it done).
     */
    protected Prepared prepare(ObjectNode node, Path cwd, String source) {
        TrainingInputs inputs = new TrainingInputs(node, cwd);
        inputs.resolveInto(node);
        PretrainSpec s = PretrainSpec.parse(node, source, cwd);
        return new Prepared(s, (group, onStep) -> new PretrainJob(s).dataParallel(group).run(onStep));
    }

    /** Runs the merged spec {@code node} alone (relative paths against {@code cwd}; errors name {@code source}). */
    protected PretrainResult train(ObjectNode node, Path cwd, String source) {
        Prepared p = prepare(node, cwd, source);
        TrainingProgress progress = new TrainingProgress(p.training().steps(), spec.commandLine().getErr());
        PretrainResult r = p.run(null, progress);
        progress.finish();
        return r;
    }

    /** Prints the run's result: {@code extra}'s fields and the summary as JSON, or a line of text. */
    protected void report(PretrainResult r, ObjectNode extra) {
        ObjectNode o = Json.object();
        o.put("model", r.model().toString());
        o.put("steps", r.steps());
        o.put("final_loss", r.finalLoss());
        if (!Double.isNaN(r.evalLoss())) {
            o.put("eval_loss", r.evalLoss());
        }
        o.put("tokens", r.tokens());
        o.put("seconds", r.seconds());
        o.put("tokens_per_s", r.tokensPerSecond());
        o.put("peak_heap_after_gc_bytes", r.peakHeapAfterGcBytes());
        o.setAll(extra);
        if (json) {
            Json.print(spec.commandLine().getOut(), o);
        } else {
            spec.commandLine().getOut().printf("trained %d steps: loss %.4f%s, %,.0f tokens/s; model in %s%n", r.steps(),
                    r.finalLoss(), Double.isNaN(r.evalLoss()) ? "" : String.format(", held-out %.4f", r.evalLoss()),
                    r.tokensPerSecond(), r.model());
            spec.commandLine().getOut().flush();
        }
    }

    private void overlay(ObjectNode n) {
        put(n, "model_config", modelConfig);
        put(n, "init_model", initModel);
        if (modelConfig != null) {
            n.remove("init_model");
        } else if (initModel != null) {
            n.remove("model_config");
        }
        if (!data.isEmpty()) {
            var arr = n.putArray("data");
            for (String d : data) {
                int colon = d.lastIndexOf(':');
                if (colon > 0 && d.substring(colon + 1).matches("[0-9.eE+-]+")) {
                    arr.addObject().put("path", d.substring(0, colon)).put("weight", Double.parseDouble(d.substring(colon + 1)));
                } else {
                    arr.add(d);
                }
            }
        }
        put(n, "eval_data", evalData);
        if (evalFraction != null) {
            n.put("eval_fraction", evalFraction);
        }
        put(n, "eval_every", evalEvery);
        put(n, "tokenizer", tokenizer);
        put(n, "steps", steps);
        put(n, "seq_len", seqLen);
        put(n, "batch", batch);
        put(n, "lr", lr);
        put(n, "min_lr", minLr);
        put(n, "warmup", warmup);
        put(n, "schedule", schedule);
        put(n, "optimizer", optimizer);
        put(n, "weight_decay", weightDecay);
        put(n, "seed", seed);
        put(n, "threads", threads);
        put(n, "fp8", fp8);
        put(n, "out", out);
        put(n, "checkpoint_every", checkpointEvery);
        put(n, "stop_at", stopAt);
        put(n, "resume", resume);
        put(n, "backend", backend);
        put(n, "precision", precision);
    }

    protected static void put(ObjectNode n, String field, Object value) {
        if (value != null) {
            n.set(field, TREES.valueToTree(value));
        }
    }
}
