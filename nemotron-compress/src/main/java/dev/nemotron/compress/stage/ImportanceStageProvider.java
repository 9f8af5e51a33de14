package dev.nemotron.compress.stage;

import dev.nemotron.api.pipeline.Stage;
import dev.nemotron.api.pipeline.StageParams;
import dev.nemotron.api.pipeline.StageProvider;
import dev.nemotron.api.pipeline.StageResult;
import dev.nemotron.api.pipeline.StageSpec;
import dev.nemotron.compress.importance.CalibrationSet;
import dev.nemotron.compress.importance.ImportanceChart;
import dev.nemotron.compress.importance.ImportanceEstimator;
import dev.nemotron.compress.importance.ImportanceReport;
import dev.nemotron.train.autodiff.activation.ActivationStatistics.Aggregation;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code importance} stage: {@code nemotron compress importance} on the input model. Parameters:
 * {@code calibration} (a token dataset directory, .jsonl or text file; required), {@code samples},
 * {@code seq_len}, {@code seed}, {@code field}, {@code layers} (default true), {@code rank_by}
 * ({@code l2} or {@code mean}). Writes {@code WORK/importance.json} and its charts; no new model.
 * Summary: {@code report} (for a later {@code prune} stage's {@code importance: ${NAME.report}}),
 * {@code charts}, {@code layer_removal_order}.
 */
public final class ImportanceStageProvider implements StageProvider {
    static final List<String> FIELDS = List.of("calibration", "samples", "seq_len", "seed", "field", "layers", "rank_by");

    @Override
    public String type() {
        return "importance";
    }

    @Override
    public String description() {
        return "Minitron importance of layers, hidden channels, MLP neurons and heads (summary: report)";
    }

    @Override
    public Stage create(StageSpec spec) {
        StageParams p = spec.params();
        p.requireOnly(FIELDS);
        String data = p.string("calibration");
        int samples = p.integer("samples", CalibrationSet.DEFAULT_SAMPLES);
        int seqLen = p.integer("seq_len", CalibrationSet.DEFAULT_SEQ_LEN);
        long seed = p.longInteger("seed", 0);
        String field = p.string("field", "text");
        boolean layers = p.bool("layers", true);
        String rankBy = p.string("rank_by", "l2");
        if (!rankBy.equals("l2") && !rankBy.equals("mean")) {
            throw p.invalid("rank_by", "must be \"l2\" or \"mean\", got \"" + rankBy + "\"");
        }
        if (samples < 1 || seqLen < 1) {
            throw p.error("'samples' and 'seq_len' must be at least 1");
        }
        Aggregation agg = rankBy.equals("l2") ? Aggregation.L2 : Aggregation.MEAN;
        return ctx -> {
            Path model = ctx.requireInputModel();
            CalibrationSet.Spec cal = new CalibrationSet.Spec(ctx.resolve(data), field, samples, seqLen, seed);
            ImportanceReport report = ImportanceEstimator.estimate(model, cal,
                    new ImportanceEstimator.Options(layers, Integer.MAX_VALUE, agg), ctx::progress);
            Path json = ctx.workDir().resolve("importance.json");
            report.write(json);
            List<Path> charts = ImportanceChart.write(report, json);
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("report", json.toAbsolutePath().toString());
            summary.put("charts", charts.stream().map(c -> c.toAbsolutePath().toString()).toList());
            if (report.layers() != null) {
                summary.put("layer_removal_order", Arrays.stream(report.layers().removalOrder()).boxed().toList());
            }
            return StageResult.of(summary);
        };
    }
}
