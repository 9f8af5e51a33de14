package dev.nemotron.cli.train;

import dev.nemotron.train.report.ProgressBar;
import dev.nemotron.train.trainer.StepMetrics;
import java.io.PrintWriter;
import java.util.function.Consumer;

/** Training steps on stderr through a {@link ProgressBar}: one redrawn line on a terminal, periodic lines otherwise. */
public final class TrainingProgress implements Consumer<StepMetrics> {
    private final ProgressBar bar;
    private final PrintWriter err;

    public TrainingProgress(long total, PrintWriter err) {
        this.err = err;
        this.bar = ProgressBar.builder(total).output(err).build();
    }

    @Override
    public void accept(StepMetrics m) {
        if (m.evalLoss() != null) {
            bar.eval(m.step(), m.evalLoss());
        }
        bar.update(m.step(), m.loss(), m.lr(), m.tokensPerSecond());
        err.flush();
    }

    public void finish() {
        bar.finish();
        err.flush();
    }
}
