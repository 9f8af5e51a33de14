package dev.nemotron.train.pretrain;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.distributed.ProcessGroup;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.api.optim.LrSchedule;
import dev.nemotron.api.optim.Optimizer;
import dev.nemotron.api.optim.OptimizerConfig;
import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.estimate.HeapMeter;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.arch.safetensors.SafetensorsWriter;
import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.train.autodiff.core.Parameters;
import dev.nemotron.train.data.LoaderConfig;
import dev.nemotron.train.fp8.PrecisionPolicy;
import dev.nemotron.train.io.AtomicFiles;
import dev.nemotron.train.data.TokenStatistics;
import dev.nemotron.train.report.ChartOptions;
import dev.nemotron.train.report.LossChart;
import dev.nemotron.train.report.ReferenceLine;
import dev.nemotron.train.optim.DecayPolicy;
import dev.nemotron.train.optim.Optimizers;
import dev.nemotron.train.schedule.ConstantSchedule;
import dev.nemotron.train.schedule.CosineSchedule;
import dev.nemotron.train.schedule.DecayShape;
import dev.nemotron.train.schedule.WarmupStableDecay;
import dev.nemotron.train.trainer.BatchLoss;
import dev.nemotron.train.trainer.DataParallel;
import dev.nemotron.train.trainer.DeviceSteps;
import dev.nemotron.train.trainer.HeldOutLoss;
import dev.nemotron.train.trainer.LoaderBatchSource;
import dev.nemotron.train.trainer.StepMetrics;
import dev.nemotron.train.trainer.Trainer;
import dev.nemotron.train.trainer.TrainerConfig;
import dev.nemotron.train.trainer.TrainingCheckpoint;
import dev.nemotron.train.trainer.RunDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One pretraining or continued-pretraining run from a {@link PretrainSpec}.
 *
 * <pre>
 * 1. model: config.json + random init (seeded), or an existing model directory (continued pretraining)
 * 2. data ({@link RunData}): the datasets, their blend / curriculum, the packed loader; the held-out sequences
 * 3. optimizer (AdamW by default; any OptimizerProvider by name) and LR schedule
 * 4. resume from OUT/latest when asked; refuse to overwrite a run that is there otherwise
 * 5. train; metrics.jsonl, checkpoints (HF layout + optimizer and loader state)
 * 6. OUT/model (config.json, model.safetensors, tokenizer.json), OUT/summary.json, OUT/loss.png
 * </pre>
 */
public final class PretrainJob {
    private static final Logger LOG = LogManager.getLogger(PretrainJob.class);
    private static final ObjectMapper JSON = JsonMappers.json();

    private final PretrainSpec spec;
    private final RunData.Factory dataFactory;
    private BatchLoss loss;
    private String lossLabel = "loss";
    private ProcessGroup group;

    /** A pretraining run: the spec's token datasets through the packed loader. */
    public PretrainJob(PretrainSpec spec) {
        this(spec, PretrainJob::loaderData);
    }

    /** A run of {@code spec} on other data (e.g. SFT): everything but the batches and held-out sequences as pretraining. */
    public PretrainJob(PretrainSpec spec, RunData.Factory dataFactory) {
        this.spec = spec;
        this.dataFactory = dataFactory;
    }

    /** Pretraining's data: the datasets, their curriculum through the packed loader, the held-out windows. */
    private static RunData loaderData(PretrainSpec spec, int vocabSize) {
        PretrainData data = PretrainData.open(spec, vocabSize);
        LoaderConfig loaderConfig = LoaderConfig.of(spec.seqLen(), spec.batch(), spec.seed(), data.eosId());
        LoaderBatchSource source = new LoaderBatchSource(data.curriculum(), loaderConfig);
        HeldOutLoss heldOut = data.heldOut() == null ? null
                : HeldOutLoss.of(data.heldOut(), spec.seqLen(), spec.evalSequences(), data.eosId());
        double entropy = TokenStatistics.of(data.datasets().getFirst(), data.eosId() >= 0).entropyNats();
        return RunData.of(source, heldOut, entropy, source::close);
    }

    /**
     * Trains on {@code loss} (one per sequence) instead of cross-entropy, e.g. logit distillation;
     * {@code label} names it in the chart title. Everything else (data, schedule, held-out
     * cross-entropy, checkpoints, bit-identical resume) is pretraining's.
     */
    public PretrainJob minimising(BatchLoss loss, String label) {
        this.loss = loss;
        this.lossLabel = label;
        return this;
    }

    /**
     * Runs as one rank of {@code group} (data parallel, docs/distributed.md): every rank runs this
     * job with the same spec; rank 0 alone writes the run directory's records, checkpoints and model.
     */
    public PretrainJob dataParallel(ProcessGroup group) {
        this.group = group;
        return this;
    }

    private boolean leader() {
        return group == null || group.leader();
    }

    public PretrainResult run(Consumer<StepMetrics> onStep) {
        // 1. model
        Path configJson = spec.initModel() != null ? spec.initModel().resolve("config.json")
                : Files.isDirectory(spec.modelConfig()) ? spec.modelConfig().resolve("config.json") : spec.modelConfig();
        if (!Files.isRegularFile(configJson)) {
            throw new NemotronException(configJson + ": no such model config");
        }
        MixerRegistry registry = MixerRegistry.discover();
        ModelGraph graph = ModelGraph.of(new ConfigParser(registry).parse(configJson), registry);
        TrainableModel model = spec.initModel() != null ? new TrainableModel(graph, Parameters.load(graph, spec.initModel()))
                : TrainableModel.random(graph, spec.seed());
        if (spec.fp8()) {  // with --backend: the device runs the same plan (DeviceSteps.open)
            model.precision(PrecisionPolicy.bf16Edges(spec.fp8EdgeLayers()));
        }
        // 2. data
        Path out = spec.out();
        if (leader()) {
            RunDirectory.open(out, spec.resume());
        }
        if (group != null) {
            group.barrier();  // rank 0 has checked the run directory
        }
        int ranks = group == null ? 1 : group.size();
        try (DeviceSteps device = spec.backend() == null ? null
                : DeviceSteps.of(Backends.create(spec.backend()), spec.precision());
             RunData data = dataFactory.open(spec, graph.config().vocabSize())) {
            // 3. optimizer and schedule
            Optimizer optimizer = Optimizers.create(spec.optimizer(), OptimizerConfig.of(Map.of(
                    "weight_decay", Double.toString(spec.weightDecay()),
                    "beta1", Double.toString(spec.beta1()),
                    "beta2", Double.toString(spec.beta2()))));
            TrainerConfig trainerConfig = new TrainerConfig(spec.steps(), spec.gradClip(), spec.checkpointEvery(),
                    Math.max(1, Math.min(spec.threads(), spec.batch() / ranks)));
            Trainer trainer = new Trainer(model, optimizer, schedule(), DecayPolicy.nemotronDefault(), data.source(),
                    trainerConfig, configJson, out).minimise(loss)
                    .dataParallel(group == null ? null : new DataParallel(group));
            if (device != null) {
                LOG.info("training on backend {} ({} GEMM inputs{})", device.backend(), spec.precision(), spec.fp8()
                        ? "; FP8 recipe, first/last " + spec.fp8EdgeLayers() + " linear layers BF16" : "");
                trainer.onDevice(device);
            }
            if (data.heldOut() != null) {
                trainer.evaluateEvery(spec.evalEvery(), data.heldOut());
            }
            // 4. resume
            Path checkpoint = leader() ? RunDirectory.checkpointToResume(out, spec.resume())
                    : spec.resume() ? TrainingCheckpoint.latest(out) : null;  // rank 0 tidies the run directory
            if (checkpoint != null) {
                if (leader()) {
                    LOG.info("resuming from {}", checkpoint);
                    RunRecord.warnOnChanges(out, spec);
                }
                trainer.resume(checkpoint);
            }
            long startStep = trainer.step();
            if (leader()) {
                RunRecord.write(out, spec);
                LOG.info("training {} parameters for {} steps of {} x {} tokens (from step {}{})", model.parameters().count(),
                        spec.steps(), spec.batch(), spec.seqLen(), startStep,
                        ranks > 1 ? "; " + ranks + " data-parallel ranks of " + spec.batch() / ranks + " sequences" : "");
            }
            // 5. train
            Stats stats = new Stats();
            long t0 = System.nanoTime();
            long peakHeap;
            try (HeapMeter heap = HeapMeter.start()) {
                trainer.runUntil(spec.stopAt() > 0 ? spec.stopAt() : spec.steps(), m -> {
                    stats.accept(m);
                    onStep.accept(m);
                });
                peakHeap = heap.peakAfterGcBytes();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            // 6. final model and summary (rank 0 of data-parallel ranks)
            Path modelDir = out.resolve("model");
            double entropy = data.referenceLoss();
            PretrainResult result = new PretrainResult(modelDir, trainer.step(), stats.lastLoss, stats.lastEval,
                    stats.firstEval, stats.tokens, seconds, peakHeap, entropy);
            if (!leader()) {
                return result;
            }
            writeModel(modelDir, configJson, model.parameters());
            writeSummary(out.resolve("summary.json"), result);
            ChartOptions chart = ChartOptions.defaults().withTitle(lossLabel + ": " + out.getFileName());
            LossChart.render(out, out.resolve(LossChart.FILE), Double.isNaN(entropy) ? chart
                    : chart.withReference(new ReferenceLine(entropy, data.referenceLabel())));
            return result;
        }
    }

    private LrSchedule schedule() {
        return switch (spec.schedule()) {
            case "constant" -> new ConstantSchedule(spec.lr(), spec.warmup());
            case "cosine" -> new CosineSchedule(spec.lr(), spec.minLr(), spec.warmup(), spec.steps());
            default -> WarmupStableDecay.withDecayFraction(spec.lr(), spec.minLr(), spec.warmup(), spec.steps(),
                    spec.decayStart(), DecayShape.LINEAR);
        };
    }

    /** The final model directory, written to a temporary sibling and renamed into place. */
    private Path writeModel(Path dir, Path configJson, Parameters params) {
        try {
            Path tmp = AtomicFiles.stagingDirectory(dir);
            Files.copy(configJson, tmp.resolve("config.json"));
            SafetensorsWriter.write(tmp.resolve("model.safetensors"), params.toTensors(), Map.of("format", "pt"));
            Path tokenizer = tokenizerFile(configJson);
            if (tokenizer != null) {
                Files.copy(tokenizer, tmp.resolve("tokenizer.json"));
                Path tc = tokenizer.resolveSibling("tokenizer_config.json");
                if (Files.isRegularFile(tc)) {
                    Files.copy(tc, tmp.resolve("tokenizer_config.json"));
                }
            }
            AtomicFiles.publishDirectory(tmp, dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the model to " + dir, e);
        }
    }

    /** The spec's tokenizer, else a tokenizer.json next to the model config; null when there is none. */
    private Path tokenizerFile(Path configJson) {
        Path t = spec.tokenizer();
        if (t != null && Files.isDirectory(t)) {
            t = t.resolve("tokenizer.json");
        }
        if (t != null) {
            if (!Files.isRegularFile(t)) {
                throw new NemotronException(t + ": no such tokenizer file");
            }
            return t;
        }
        Path beside = configJson.toAbsolutePath().resolveSibling("tokenizer.json");
        return Files.isRegularFile(beside) ? beside : null;
    }

    private static void writeSummary(Path file, PretrainResult r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("model", r.model().toString());
        o.put("steps", r.steps());
        o.put("final_loss", r.finalLoss());
        putNumber(o, "eval_loss", r.evalLoss());
        putNumber(o, "initial_eval_loss", r.initialEvalLoss());
        o.put("tokens", r.tokens());
        o.put("seconds", r.seconds());
        o.put("tokens_per_s", r.tokensPerSecond());
        o.put("peak_heap_after_gc_bytes", r.peakHeapAfterGcBytes());
        putNumber(o, "unigram_entropy_nats", r.unigramEntropy());
        AtomicFiles.writeString(file, o.toPrettyString() + "\n");
    }

    private static void putNumber(ObjectNode o, String key, double v) {
        if (Double.isNaN(v)) {
            o.putNull(key);
        } else {
            o.put(key, v);
        }
    }

    /** Running totals of this invocation's steps. */
    private static final class Stats implements Consumer<StepMetrics> {
        long tokens;
        double lastLoss = Double.NaN;
        double firstEval = Double.NaN;
        double lastEval = Double.NaN;

        @Override
        public void accept(StepMetrics m) {
            tokens += m.tokens();
            lastLoss = m.loss();
            if (m.evalLoss() != null) {
                if (Double.isNaN(firstEval)) {
                    firstEval = m.evalLoss();
                }
                lastEval = m.evalLoss();
            }
        }
    }
}
