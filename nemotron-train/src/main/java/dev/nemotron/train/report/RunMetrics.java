package dev.nemotron.train.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The loss curves of one run, read from its {@code metrics.jsonl}: the training loss per step and
 * the held-out loss at the steps where it was evaluated, each sorted by step with one point per
 * step (the last record of a step wins, so a run resumed from an earlier checkpoint shows the
 * steps it redid, not both copies).
 *
 * @param train training loss per step ({@code loss} records)
 * @param eval  held-out loss ({@code eval_loss} records); empty when the run never evaluated
 */
public record RunMetrics(List<LossPoint> train, List<LossPoint> eval) {
    /** The file name of a run's metrics log. */
    public static final String FILE = "metrics.jsonl";

    public RunMetrics {
        train = List.copyOf(train);
        eval = List.copyOf(eval);
    }

    /**
     * Reads a run: {@code path} is the run directory (holding {@value #FILE}) or the metrics file
     * itself. A missing file, a line that is not a JSON object, or a {@code step}, {@code loss} or
     * {@code eval_loss} that is not a number is a {@link dev.nemotron.api.NemotronException} naming
     * the file and line. An unfinished last line (no newline yet: the run is writing it) is skipped.
     */
    public static RunMetrics read(Path path) {
        if (!Files.exists(path)) {
            throw new dev.nemotron.api.NemotronException(path + ": no such run directory or metrics file");
        }
        return MetricsReader.read(Files.isDirectory(path) ? path.resolve(FILE) : path);
    }

    /** True when there is neither a training nor a held-out point. */
    public boolean isEmpty() {
        return train.isEmpty() && eval.isEmpty();
    }

    /** The last step of either curve, 0 when empty. */
    public long lastStep() {
        long t = train.isEmpty() ? 0 : train.getLast().step();
        long e = eval.isEmpty() ? 0 : eval.getLast().step();
        return Math.max(t, e);
    }
}
