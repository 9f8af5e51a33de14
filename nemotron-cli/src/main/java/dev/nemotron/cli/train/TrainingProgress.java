package dev.nemotron.cli.train;

import dev.nemotron.train.trainer.StepMetrics;
import java.io.PrintWriter;
import java.util.function.Consumer;

/** Reports training steps on stderr: a line every twentieth of the run and whenever a held-out loss comes. */
public final class TrainingProgress implements Consumer<StepMetrics> {
    private final long total;
    private final PrintWriter err;
    private final long every;

    public TrainingProgress(long total, PrintWriter err) {
        this.total = total;
        this.err = err;
        this.every = Math.max(1, total / 20);
    }

    @Override
    public void accept(StepMetrics m) {
        if (m.step() % every == 0 || m.step() == total || m.evalLoss() != null) {
            err.printf("step %d/%d  loss %.4f%s  lr %.2e  %,.0f tok/s%n", m.step(), total, m.loss(),
                    m.evalLoss() == null ? "" : String.format("  eval %.4f", m.evalLoss()), m.lr(), m.tokensPerSecond());
            err.flush();
        }
    }

    public void finish() {
        err.flush();
    }
}
