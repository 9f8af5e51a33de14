package dev.nemotron.cli.eval;

import dev.nemotron.eval.run.RunListener;
import dev.nemotron.eval.run.TaskResult;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress of an evaluation on stderr: a line when a task starts, at most one line every few
 * seconds while it runs (done / total, rate, time left), and one when it ends.
 */
public final class EvalProgress implements RunListener {
    private final PrintWriter err;
    private final long intervalNanos;
    private long started;
    private long lastPrint;
    private int resumed;

    /** @param intervalSeconds least time between two progress lines */
    public EvalProgress(PrintWriter err, double intervalSeconds) {
        this.err = err;
        this.intervalNanos = (long) (intervalSeconds * 1e9);
    }

    @Override
    public synchronized void taskStarted(String task, int total, int resumed) {
        this.started = System.nanoTime();
        this.lastPrint = started;
        this.resumed = resumed;
        err.printf(Locale.ROOT, "eval %s: %d samples%s%n", task, total,
                resumed > 0 ? " (" + resumed + " already done, resuming)" : "");
        err.flush();
    }

    @Override
    public synchronized void sampleFinished(String task, int done, int total) {
        long now = System.nanoTime();
        if (done < total && now - lastPrint < intervalNanos) {
            return;
        }
        lastPrint = now;
        double seconds = (now - started) / 1e9;
        int fresh = done - resumed;
        double rate = seconds > 0 ? fresh / seconds : 0;
        String eta = rate > 0 ? String.format(Locale.ROOT, ", %.0f s left", (total - done) / rate) : "";
        err.printf(Locale.ROOT, "eval %s: %s %d/%d (%.0f%%), %.2f samples/s%s%n", task, bar(done, total), done, total,
                100.0 * done / total, rate, eta);
        err.flush();
    }

    @Override
    public synchronized void taskFinished(TaskResult r) {
        err.printf(Locale.ROOT, "eval %s: %s = %.4f (± %.4f) on %d problems in %.1f s%n", r.task(), r.primaryMetric(),
                r.primary().value(), Double.isNaN(r.primary().stderr()) ? 0 : r.primary().stderr(), r.docs(), r.seconds());
        err.flush();
    }

    static String bar(int done, int total) {
        int width = 20;
        int filled = total == 0 ? width : (int) ((long) done * width / total);
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
    }
}
