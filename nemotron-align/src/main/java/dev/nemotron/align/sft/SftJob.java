package dev.nemotron.align.sft;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.distributed.ProcessGroup;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.api.io.AtomicFiles;
import dev.nemotron.arch.config.ModelDirectory;
import dev.nemotron.infer.server.ChatTemplateChoice;
import dev.nemotron.infer.server.ModelText;
import dev.nemotron.text.chat.ChatTemplate;
import dev.nemotron.text.chat.NemotronChatTemplate;
import dev.nemotron.text.tokenizer.Tokenizer;
import dev.nemotron.train.pretrain.PretrainJob;
import dev.nemotron.train.pretrain.PretrainResult;
import dev.nemotron.train.pretrain.PretrainSpec;
import dev.nemotron.train.pretrain.RunData;
import dev.nemotron.train.trainer.HeldOutLoss;
import dev.nemotron.train.trainer.StepMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One SFT run: the pretraining job's machinery ({@link PretrainJob}: model, AdamW, schedule,
 * checkpoints with bit-identical resume, metrics, held-out loss, summary, loss chart) on SFT data.
 *
 * <pre>
 * 1. tokenizer and chat template: --tokenizer, else the init model's; its tokenizer_config.json's
 *    template (chat_template auto/jinja) or the built-in Nemotron Nano 2 format
 * 2. samples: SftDataset over the JSONL files (transforms seeded by the run's seed), held-out conversations apart
 * 3. rows: packed to seq_len (or one sample per row); batches in seeded epochs (SftBatchSource)
 * 4. the run, as pretraining; OUT/sft_data.json records what the data gave
 * </pre>
 *
 * <p>Data parallel ({@link #dataParallel}, docs/distributed.md): every rank prepares the data
 * itself (steps 1-3 are a pure function of the files and the spec: the transforms are seeded per
 * conversation, packing is greedy in file order, the epochs' order is seeded), so every rank holds
 * the same rows in the same order and takes its B/N rows of each global batch; the ranks compare a
 * digest of their rows with rank 0's before training ({@link SftRowsDigest}). Rank 0 alone writes
 * {@code sft_data.json}, the records, checkpoints and the model.
 */
public final class SftJob {
    private static final Logger LOG = LogManager.getLogger(SftJob.class);
    public static final String DATA_REPORT = "sft_data.json";

    private final SftSpec spec;
    private SftDataset dataset;
    private ProcessGroup group;

    public SftJob(SftSpec spec) {
        this.spec = spec;
    }

    /** What a finished SFT run reports: the training result and what the data gave. */
    public record Result(PretrainResult training, SftDataset data, long rows) {
    }

    /**
     * Runs as one rank of {@code group} (null: alone): every rank runs this job with the same spec
     * and prepares the same rows; rank 0 alone writes the run directory.
     */
    public SftJob dataParallel(ProcessGroup group) {
        this.group = group;
        return this;
    }

    private boolean leader() {
        return group == null || group.leader();
    }

    public Result run(Consumer<StepMetrics> onStep) {
        PretrainResult r = new PretrainJob(spec.training(), this::open).dataParallel(group).run(onStep);
        return new Result(r, dataset, rowCount);
    }

    private long rowCount;

    private RunData open(PretrainSpec t, int vocab) {
        // 1. tokenizer and template
        SftRenderer renderer = renderer(t, spec.chatTemplate());
        // 2. samples
        List<Path> files = new ArrayList<>();
        for (PretrainSpec.DataSource d : t.data()) {
            if (d.weight() != 1.0) {
                throw new NemotronException(d.dir() + ": SFT data takes no blend weight (got " + d.weight()
                        + "); repeat or subsample the file instead");
            }
            files.add(d.dir());
        }
        if (leader()) {
            checkSettingsOnResume(t);
        }
        SftDataset.Options options = new SftDataset.Options(spec.transforms(), t.seqLen(), spec.skipBad(),
                t.evalData() == null ? t.evalFraction() : 0);
        dataset = SftDataset.read(files, renderer, options);
        List<SftSample> held = dataset.heldOut();
        if (t.evalData() != null) {
            held = SftDataset.read(List.of(t.evalData()), renderer,
                    new SftDataset.Options(spec.transforms(), t.seqLen(), spec.skipBad(), 0)).train();
        }
        checkVocab(dataset.train(), renderer.tokenizer(), vocab);
        // 3. rows and batches
        List<SftRow> rows = spec.pack() ? SftPacking.pack(dataset.train(), t.seqLen()) : SftPacking.unpacked(dataset.train());
        rowCount = rows.size();
        HeldOutLoss heldOut = null;
        if (!held.isEmpty()) {
            List<SftRow> heldRows = SftPacking.unpacked(held.subList(0, Math.min(held.size(), t.evalSequences())));
            heldOut = HeldOutLoss.ofRows(heldRows.stream().map(SftRow::inputs).toList(),
                    heldRows.stream().map(SftRow::targets).toList());
        }
        if (group != null) {
            SftRowsDigest.requireSameAsLeader(group, "SFT rows", List.of(rows, SftPacking.unpacked(held)));
        }
        if (leader()) {
            report(t, rows.size(), held.size());
        }
        SftBatchSource source = new SftBatchSource(rows, t.batch(), t.seed());
        return RunData.of(source, heldOut, Double.NaN, () -> { });
    }

    /** OUT/sft_data.json and the log line of what the data gave. */
    private void report(PretrainSpec t, int rows, int held) {
        writeReport(t.out(), rows, held);
        LOG.info("SFT data: {} conversations -> {} samples ({} reasoning off, {} traces cut; {} loss tokens) in {} rows of <= {} "
                        + "positions ({}); {} held out; {} bad lines skipped; {} too long", dataset.conversations(),
                dataset.train().size(), dataset.reasoningOff(), dataset.truncated(), dataset.lossTokens(), rows, t.seqLen(),
                spec.pack() ? "packed" : "one sample per row", held, dataset.badLines(), dataset.tooLong());
    }

    /**
     * The renderer of a run's chat data: the tokenizer of {@code --tokenizer}, else the init model's;
     * the init model's chat template ({@code choice} auto/jinja), else (or with nemotron) the built-in
     * Nemotron Nano 2 format.
     */
    public static SftRenderer renderer(PretrainSpec t, ChatTemplateChoice choice) {
        Tokenizer tokenizer;
        ModelText text = t.initModel() == null ? null : ModelText.load(ModelDirectory.open(t.initModel()), choice);
        if (t.tokenizer() != null) {
            Path file = Files.isDirectory(t.tokenizer()) ? t.tokenizer().resolve("tokenizer.json") : t.tokenizer();
            if (!Files.isRegularFile(file)) {
                throw new NemotronException(file + ": no such tokenizer file");
            }
            tokenizer = Tokenizer.load(file);
        } else if (text != null && text.tokenizer() != null) {
            tokenizer = text.tokenizer();
        } else {
            throw new NemotronException("chat data needs a tokenizer: the init model has no tokenizer.json; give --tokenizer FILE_OR_DIR");
        }
        ChatTemplate template = text != null && text.chatTemplate() != null ? text.chatTemplate() : new NemotronChatTemplate();
        if (choice == ChatTemplateChoice.NEMOTRON) {
            template = new NemotronChatTemplate();
        }
        return new SftRenderer(template, tokenizer);
    }

    /** The SFT settings that decide the samples and rows: a resumed run must use the same, or its data position means other rows. */
    private String settings() {
        SftTransforms x = spec.transforms();
        return "no_think_fraction=" + x.noThinkFraction() + " truncate_trace=" + x.truncateMin() + ":" + x.truncateMax()
                + " truncate_fraction=" + x.truncateFraction() + " pack=" + spec.pack() + " skip_bad=" + spec.skipBad()
                + " chat_template=" + spec.chatTemplate();
    }

    private void checkSettingsOnResume(PretrainSpec t) {
        Path report = t.out().resolve(DATA_REPORT);
        if (!t.resume() || !Files.isRegularFile(report)) {
            return;
        }
        try {
            String before = JsonMappers.json().readTree(report.toFile()).path("settings").asText("");
            if (!before.isEmpty() && !before.equals(settings())) {
                LOG.warn("resuming with other SFT settings than the run was started with ({} -> {}): the samples and rows differ, "
                        + "so the continuation is not the run's", before, settings());
            }
        } catch (java.io.IOException e) {
            throw new NemotronException(report + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Fails when a sample holds an id outside the model's vocabulary (the tokenizer is not the model's). */
    public static void checkVocab(List<SftSample> samples, Tokenizer tokenizer, int vocab) {
        for (SftSample s : samples) {
            for (int id : s.ids()) {
                if (id >= vocab) {
                    throw new NemotronException("the tokenizer (" + tokenizer.source() + ") gives id " + id
                            + " but the model's vocab_size is " + vocab + "; use the model's own tokenizer");
                }
            }
        }
    }

    private void writeReport(Path out, int rows, int heldOut) {
        ObjectNode o = JsonMappers.json().createObjectNode();
        o.put("conversations", dataset.conversations());
        o.put("samples", dataset.train().size());
        o.put("reasoning_off", dataset.reasoningOff());
        o.put("truncated", dataset.truncated());
        o.put("loss_tokens", dataset.lossTokens());
        o.put("rows", rows);
        o.put("packed", spec.pack());
        o.put("held_out_samples", heldOut);
        o.put("bad_lines_skipped", dataset.badLines());
        o.put("too_long_skipped", dataset.tooLong());
        o.put("settings", settings());
        try {
            AtomicFiles.writeString(out.resolve(DATA_REPORT), o.toPrettyString() + "\n");
        } catch (java.io.IOException e) {
            throw new NemotronException(out.resolve(DATA_REPORT) + ": cannot write: " + e.getMessage(), e);
        }
    }
}
