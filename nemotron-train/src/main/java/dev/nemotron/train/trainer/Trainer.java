package dev.nemotron.train.trainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.api.layer.train.Segments;
import dev.nemotron.api.optim.LrSchedule;
import dev.nemotron.api.optim.Optimizer;
import dev.nemotron.api.optim.OptimizerState;
import dev.nemotron.api.optim.Parameter;
import dev.nemotron.api.optim.ParameterGroup;
import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.autodiff.core.Parameters;
import dev.nemotron.train.optim.DecayPolicy;
import dev.nemotron.train.optim.GradientClipping;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The training loop.
 *
 * <pre>
 * for step = start+1 .. steps:
 * 1. batch = data.next()
 * 2. gradients = mean over the batch's sequences of d loss / d parameters
 * 3. clip to the global norm
 * 4. optimizer.step(parameters, step, schedule.lr(step))
 * 5. held-out loss when due; append metrics to out/metrics.jsonl; checkpoint every K steps and at the end
 * </pre>
 *
 * Resuming ({@link #resume}) restores the float64 weights, the optimizer state and the data
 * position, so the continuation is bit-identical to an uninterrupted run.
 *
 * <p>On a device ({@link #onDevice}), steps 2-4 run there ({@link DeviceSteps}); the weights and
 * moments come back to the host model and optimizer before every held-out loss, checkpoint and
 * the end of the run, so checkpoints keep this format and resume on either trainer.
 *
 * <p>Data parallel ({@link #dataParallel}, {@link DataParallel}): each rank takes its rows of step
 * 1's global batch, step 2's gradients are averaged over the ranks, step 4 updates the rank's
 * ZeRO-1 shard and gathers the weights; rank 0 alone evaluates and writes metrics and checkpoints,
 * in this same format, so a run resumes on any number of ranks.
 */
public final class Trainer {
    private static final ObjectMapper JSON = JsonMappers.json();

    private final TrainableModel model;
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private final BatchSource data;
    private final TrainerConfig config;
    private final Path out;
    private final Path configJson;
    private final ParameterGroup group;
    private final Gradients grads;
    private HeldOutLoss heldOut;
    private long evalEvery;
    private long stopAt;
    private final BatchGradients batchGradients;
    private BatchLoss batchLoss;
    private DeviceSteps device;
    private DataParallel parallel;
    private long step;

    public Trainer(TrainableModel model, Optimizer optimizer, LrSchedule schedule, DecayPolicy decay, BatchSource data,
                   TrainerConfig config, Path configJson, Path out) {
        this.model = model;
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.data = data;
        this.config = config;
        this.out = out;
        this.configJson = configJson;
        this.grads = model.newGradients();
        this.batchGradients = new BatchGradients(model, config.threads());
        List<Parameter> params = new ArrayList<>();
        Parameters p = model.parameters();
        for (Parameters.Param param : p.all()) {
            params.add(new Parameter(param.name(), param.data(), grads.get(param.name()), decay.decays(param.name())));
        }
        this.group = ParameterGroup.of(params);
    }

    /** Continues from the checkpoint in {@code checkpoint}: weights, optimizer state, data position, step. */
    public void resume(Path checkpoint) {
        TrainingCheckpoint.Restored r = TrainingCheckpoint.read(checkpoint);
        r.copyInto(model.parameters());
        // data parallel on the host: this rank's shard of the moments (the device keeps its own shards)
        optimizer.load(parallel == null || device != null ? r.optimizer() : parallel.ownedPart(r.optimizer()));
        data.restoreState(r.dataState());
        step = r.step();
        if (leader()) {
            MetricsLog.keepThrough(out.resolve("metrics.jsonl"), step);
        }
    }

    public long step() {
        return step;
    }

    /**
     * Evaluates {@code heldOut} after the first step, every {@code every} steps and after the
     * last; the value goes into that step's metrics as {@code eval_loss}.
     */
    public Trainer evaluateEvery(long every, HeldOutLoss heldOut) {
        if (every < 1) {
            throw new IllegalArgumentException("evaluation interval must be >= 1, got " + every);
        }
        this.evalEvery = every;
        this.heldOut = heldOut;
        return this;
    }

    /**
     * Minimises {@code loss} instead of the batches' cross-entropy (e.g. a KL to a teacher's logits);
     * the held-out loss stays cross-entropy. Null: cross-entropy.
     */
    public Trainer minimise(BatchLoss loss) {
        this.batchLoss = loss;
        return this;
    }

    /** Runs steps 2-4 on {@code device} (opened at the first step, from the current weights and optimizer state). */
    public Trainer onDevice(DeviceSteps device) {
        this.device = device;
        return this;
    }

    /**
     * Trains as one rank of {@code parallel}'s group ({@link DataParallel}): each step takes this
     * rank's rows of the global batch and averages gradients over the ranks; the optimizer state is
     * sharded (ZeRO-1; on a device: the device trainer's own, {@code joinDataParallel}); only rank 0
     * writes metrics and checkpoints, in the single-rank format. Call before {@link #resume}.
     */
    public Trainer dataParallel(DataParallel parallel) {
        this.parallel = parallel;
        if (parallel != null) {
            parallel.partition(group);
        }
        return this;
    }

    /** Whether this trainer writes the run's records: rank 0, or the only rank. */
    private boolean leader() {
        return parallel == null || parallel.leader();
    }

    private boolean evaluationDue() {
        return heldOut != null && (step == 1 || step % evalEvery == 0 || step == config.steps() || step == stopAt);
    }

    /** Runs to {@code config.steps()}, reporting each step to {@code onStep}. */
    public void run(Consumer<StepMetrics> onStep) {
        runUntil(config.steps(), onStep);
    }

    /**
     * Runs to step {@code lastStep} (at most {@code config.steps()}) and checkpoints there: a run
     * split on purpose, whose continuation ({@link #resume}) follows the schedule of the whole
     * {@code config.steps()}, bit-identically to an uninterrupted run.
     */
    public void runUntil(long lastStep, Consumer<StepMetrics> onStep) {
        long last = Math.min(lastStep, config.steps());
        stopAt = last;
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (device != null && !device.isOpen()) {
            device.open(model, optimizer, step);
            if (parallel != null) {
                device.joinDataParallel(parallel.group());
            }
            if (batchLoss != null) {
                device.requireTokenLosses("this stage's loss");
            }
        }
        while (step < last) {
            long t0 = System.nanoTime();
            step++;
            TrainingBatch batch = data.next();
            TrainingBatch rows = parallel == null ? batch : parallel.shard(batch);
            double loss;
            double norm;
            Map<String, Double> extra = Map.of();
            double lr = schedule.lr(step);
            if (device != null) {
                // 2-4 on the device (a loss of the token log-probs: computed on the host from the device's)
                loss = batchLoss == null ? device.lossAndGradients(rows, batch)
                        : device.lossAndGradients(rows.inputs(), rows::segments, batchLoss.losses(rows));
                extra = batchLoss == null ? Map.of() : batchLoss.metrics();
                norm = device.step(lr, config.maxGradNorm());  // data parallel: the device averages over ranks
                if (parallel != null) {
                    loss = parallel.mean(loss);
                }
            } else {
                // 1-2. mean loss and gradients over the batch
                loss = batchLoss == null ? batchGradients.compute(rows, grads)
                        : batchGradients.compute(rows.inputs(), segmentsOf(rows), batchLoss.losses(rows), grads);
                extra = batchLoss == null ? Map.of() : batchLoss.metrics();
                if (parallel != null) {
                    loss = parallel.averageGradients(loss);  // the mean over the global batch
                }
                // 3. clipping
                norm = config.maxGradNorm() > 0 ? GradientClipping.clipGlobalNorm(group, config.maxGradNorm())
                        : GradientClipping.globalNorm(group);
                // 4. update (data parallel: this rank's parameters, then everyone's gathered)
                optimizer.step(parallel == null ? group : parallel.owned(), step, lr);
                if (parallel != null) {
                    parallel.gatherParameters();
                }
            }
            if (parallel != null && !extra.isEmpty()) {
                extra = parallel.mean(extra);  // the loss's own metrics (DPO rewards): means over the global batch
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            boolean due = evaluationDue();
            boolean checkpointDue = (config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0)
                    || step == config.steps() || step == last;
            if (device != null && (due || checkpointDue)) {
                device.syncTo(model, optimizer);
            }
            Double eval = due && leader() ? heldOut.evaluate(model) : null;
            StepMetrics m = new StepMetrics(step, loss, lr, norm, batch.tokens(), batch.tokens() / seconds, eval);
            // 5. metrics and checkpoints
            if (leader()) {
                appendMetrics(m, extra);
            }
            onStep.accept(m);
            if (checkpointDue) {
                checkpoint();
            }
        }
    }

    /**
     * Writes {@code out/checkpoint-STEP} and points {@code out/latest} at it, each atomically: a
     * crash at any moment leaves {@code latest} naming a complete checkpoint (the new or the previous one).
     * Data parallel: every rank calls it (it gathers the optimizer state); rank 0 writes, the others return null.
     */
    public Path checkpoint() {
        OptimizerState state = optimizer.state();
        if (parallel != null) {
            if (device == null) {
                state = parallel.gatherState(state);  // ZeRO-1: the ranks' shards, merged on rank 0
            }
            if (!parallel.leader()) {
                return null;
            }
        }
        return TrainingCheckpoint.save(out, configJson, model.parameters(), state, step, data.saveState());
    }

    /** Each row's samples (null: one sample), so that a custom loss over packed rows (DPO's chosen and rejected) keeps them apart. */
    private static List<Segments> segmentsOf(TrainingBatch batch) {
        List<Segments> out = new ArrayList<>();
        for (int b = 0; b < batch.inputs().length; b++) {
            out.add(batch.segments() == null ? null : batch.segments()[b]);
        }
        return out;
    }

    private void appendMetrics(StepMetrics m, Map<String, Double> extra) {
        ObjectNode o = JSON.createObjectNode();
        o.put("step", m.step());
        o.put("loss", m.loss());
        o.put("lr", m.lr());
        o.put("grad_norm", m.gradNorm());
        o.put("tokens", m.tokens());
        o.put("tokens_per_s", m.tokensPerSecond());
        if (m.evalLoss() != null) {
            o.put("eval_loss", m.evalLoss());
        }
        extra.forEach(o::put);
        try {
            Files.writeString(out.resolve("metrics.jsonl"), o + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
