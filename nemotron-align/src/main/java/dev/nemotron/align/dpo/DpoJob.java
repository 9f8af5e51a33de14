package dev.nemotron.align.dpo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.align.sft.SftBatchSource;
import dev.nemotron.align.sft.SftJob;
import dev.nemotron.align.sft.SftRenderer;
import dev.nemotron.align.sft.SftRow;
import dev.nemotron.align.sft.SftRowsDigest;
import dev.nemotron.align.sft.SftSample;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.distributed.ProcessGroup;
import dev.nemotron.api.io.AtomicFiles;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.train.pretrain.PretrainJob;
import dev.nemotron.train.pretrain.PretrainResult;
import dev.nemotron.train.pretrain.PretrainSpec;
import dev.nemotron.train.pretrain.RunData;
import dev.nemotron.train.trainer.StepMetrics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One DPO run: the pretraining job's machinery ({@link PretrainJob}: model, AdamW, schedule,
 * checkpoints with bit-identical resume, metrics, summary, loss chart) minimising the DPO loss
 * over preference pairs.
 *
 * <pre>
 * 1. renderer: the init model's tokenizer and chat template (as SFT)
 * 2. pairs: DpoDataset over the JSONL files; each pair one row of two segments (chosen, rejected)
 * 3. reference: the init model, frozen; log pi_ref of every response computed once here (DpoReference)
 * 4. batches: the rows in seeded epochs (SftBatchSource); loss: DpoBatchLoss (metrics per step)
 * 5. the run, as pretraining; OUT/dpo_data.json records what the data gave
 * </pre>
 *
 * <p>Data parallel ({@link #dataParallel}, docs/distributed.md): every rank reads the pairs and
 * computes their reference log-probs itself (steps 1-3, deterministic), checks its pair rows against
 * rank 0's ({@link SftRowsDigest}), and takes B/N pairs of every global batch (a pair is one row:
 * chosen and rejected stay on one rank); the step's reward metrics are averaged over the ranks by the
 * trainer. Rank 0 alone writes {@code dpo_data.json}, the records, checkpoints and the model.
 */
public final class DpoJob {
    private static final Logger LOG = LogManager.getLogger(DpoJob.class);
    public static final String DATA_REPORT = "dpo_data.json";

    private final DpoSpec spec;
    private final DpoBatchLoss loss;
    private DpoDataset dataset;
    private DpoReference reference;
    private ProcessGroup group;

    public DpoJob(DpoSpec spec) {
        this.spec = spec;
        this.loss = new DpoBatchLoss(spec.objective());
    }

    /** What a finished DPO run reports: the training result, the pairs and their reference log-probs. */
    public record Result(PretrainResult training, DpoDataset data, DpoReference reference) {
    }

    /** Runs as one rank of {@code group} (null: alone); rank 0 alone writes the run directory. */
    public DpoJob dataParallel(ProcessGroup group) {
        this.group = group;
        return this;
    }

    public Result run(Consumer<StepMetrics> onStep) {
        PretrainResult r = new PretrainJob(spec.training(), this::open).dataParallel(group)
                .minimising(loss, "DPO " + spec.objective().kind().label() + " loss").run(onStep);
        return new Result(r, dataset, reference);
    }

    private RunData open(PretrainSpec t, int vocab) {
        // 1. renderer
        SftRenderer renderer = SftJob.renderer(t, spec.chatTemplate());
        // 2. pairs
        List<Path> files = new ArrayList<>();
        for (PretrainSpec.DataSource d : t.data()) {
            if (d.weight() != 1.0) {
                throw new NemotronException(d.dir() + ": DPO data takes no blend weight (got " + d.weight()
                        + "); repeat or subsample the file instead");
            }
            files.add(d.dir());
        }
        if (t.evalData() != null || t.evalFraction() > 0) {
            LOG.warn("DPO has no held-out loss yet: --eval-data / --eval-fraction are ignored");
        }
        dataset = DpoDataset.read(files, renderer, t.seqLen(), spec.skipBad());
        List<SftSample> samples = new ArrayList<>();
        for (DpoPair p : dataset.pairs()) {
            samples.add(p.chosen());
            samples.add(p.rejected());
        }
        SftJob.checkVocab(samples, renderer.tokenizer(), vocab);
        List<SftRow> rows = dataset.pairs().stream().map(DpoPair::row).toList();
        if (group != null) {
            SftRowsDigest.requireSameAsLeader(group, "DPO pairs", List.of(rows));
        }
        // 3. the frozen reference
        long t0 = System.nanoTime();
        reference = DpoReference.compute(TrainableModel.load(t.initModel()), dataset.pairs(), t.threads());
        LOG.info("DPO data: {} pairs ({} bad lines skipped, {} too long); reference log-probs in {} s: chosen {} rejected {} "
                        + "(means)", dataset.pairs().size(), dataset.badLines(), dataset.tooLong(),
                String.format("%.1f", (System.nanoTime() - t0) / 1e9), String.format("%.3f", DpoReference.mean(reference.chosen())),
                String.format("%.3f", DpoReference.mean(reference.rejected())));
        if (group == null || group.leader()) {
            writeReport(t.out());
        }
        // 4. batches and loss
        loss.use(dataset.pairs(), reference);
        SftBatchSource source = new SftBatchSource(rows, t.batch(), t.seed());
        return RunData.of(source, null, Double.NaN, () -> { });
    }

    private void writeReport(Path out) {
        ObjectNode o = JsonMappers.json().createObjectNode();
        o.put("pairs", dataset.pairs().size());
        o.put("bad_lines_skipped", dataset.badLines());
        o.put("too_long_skipped", dataset.tooLong());
        o.put("response_tokens", dataset.pairs().stream().mapToLong(p -> p.chosen().lossTokens() + p.rejected().lossTokens()).sum());
        o.put("reference_chosen_logp_mean", DpoReference.mean(reference.chosen()));
        o.put("reference_rejected_logp_mean", DpoReference.mean(reference.rejected()));
        o.put("loss", spec.objective().kind().label());
        o.put("beta", spec.objective().beta());
        o.put("label_smoothing", spec.objective().labelSmoothing());
        try {
            AtomicFiles.writeString(out.resolve(DATA_REPORT), o.toPrettyString() + "\n");
        } catch (java.io.IOException e) {
            throw new NemotronException(out.resolve(DATA_REPORT) + ": cannot write: " + e.getMessage(), e);
        }
    }
}
