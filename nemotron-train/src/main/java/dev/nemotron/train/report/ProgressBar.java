package dev.nemotron.train.report;

import java.io.Flushable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The progress of a training run on one line:
 * <pre>
 * step 120/400 [######..............]  30%  loss 3.412  eval 3.550  lr 4.5e-04  2,310 tok/s  eta 1m52s
 * </pre>
 * On a terminal the line is redrawn in place ({@code \r}, at most every 100 ms); elsewhere (a CI
 * log, a file) a plain line is printed every {@code plainEverySteps} steps (default: a 20th of
 * the run) or every {@code plainEvery} (default 10 s), whichever comes first, so logs stay short.
 * The first and the last step are always shown; {@link #finish()} ends the line.
 *
 * <pre>{@code
 * ProgressBar bar = ProgressBar.builder(config.steps()).output(System.err).build();   // AUTO: terminal or plain
 * ... per step:  bar.update(m.step(), m.loss(), m.lr(), m.tokensPerSecond());
 * ... per eval:  bar.eval(step, evalLoss);
 * bar.finish();
 * }</pre>
 * The text comes from {@link ProgressFormat}, the timing from {@link ProgressThrottle}; this class
 * only holds the state and writes. Not thread-safe: call it from the training loop.
 */
public final class ProgressBar implements AutoCloseable {
    /** How the line is written. */
    public enum Mode {
        /** {@link #TERMINAL} when {@link #detect()} finds a terminal, else {@link #PLAIN}. */
        AUTO,
        /** Redraw one line with {@code \r}. */
        TERMINAL,
        /** Print a line now and then. */
        PLAIN;

        /**
         * TERMINAL when the JVM has an interactive console ({@code System.console()} that
         * {@code isTerminal()}), {@code TERM} is not {@code dumb} and {@code CI} is not set; else PLAIN.
         */
        public static Mode detect() {
            java.io.Console c = System.console();
            boolean terminal = c != null && c.isTerminal() && !"dumb".equals(System.getenv("TERM"))
                    && System.getenv("CI") == null;
            return terminal ? TERMINAL : PLAIN;
        }
    }

    private final long total;
    private final Appendable out;
    private final Mode mode;
    private final int barWidth;
    private final LongSupplier clock;
    private final ProgressThrottle throttle;
    private final long startNanos;
    private final StepPace pace = new StepPace();

    private long step;
    private double loss = Double.NaN;
    private double evalLoss = Double.NaN;
    private double lr = Double.NaN;
    private double tokensPerSecond = Double.NaN;
    private int drawnLength;
    private boolean lineOpen;
    private boolean finished;

    private ProgressBar(Builder b) {
        this.total = b.total;
        this.out = Objects.requireNonNull(b.out, "output");
        this.mode = b.mode == Mode.AUTO ? Mode.detect() : b.mode;
        this.barWidth = b.barWidth;
        this.clock = b.clock;
        this.throttle = mode == Mode.TERMINAL ? ProgressThrottle.terminal(b.redrawEvery)
                : ProgressThrottle.plain(b.plainEverySteps > 0 ? b.plainEverySteps : Math.max(1, (total + 19) / 20), b.plainEvery);
        this.step = b.startStep;
        this.startNanos = clock.getAsLong();
    }

    /** A builder for a run of {@code totalSteps} steps. */
    public static Builder builder(long totalSteps) {
        return new Builder(totalSteps);
    }

    /** Records step {@code step}'s metrics and shows the line when it is time. NaN: unknown. */
    public void update(long step, double loss, double lr, double tokensPerSecond) {
        pace.record(step, clock.getAsLong());
        this.step = step;
        this.loss = loss;
        this.lr = lr;
        this.tokensPerSecond = tokensPerSecond;
        if (!finished && throttle.shouldShow(step, total, clock.getAsLong())) {
            draw();
        }
    }

    /** Records a held-out loss; it is shown from the next line on. */
    public void eval(long step, double evalLoss) {
        this.evalLoss = evalLoss;
    }

    /**
     * Prints a message on a line of its own without breaking the bar: on a terminal the bar is
     * cleared, the message printed and the bar redrawn below it.
     */
    public void message(String text) {
        if (mode == Mode.TERMINAL && lineOpen) {
            write("\r" + " ".repeat(drawnLength) + "\r" + text + "\n");
            drawnLength = 0;
            lineOpen = false;
            draw();
        } else {
            write(text + "\n");
        }
    }

    /** The current state, as the next line would show it. */
    public ProgressState state() {
        double elapsed = (clock.getAsLong() - startNanos) / 1e9;
        return new ProgressState(step, total, loss, evalLoss, lr, tokensPerSecond, pace.etaSeconds(step, total), elapsed,
                finished);
    }

    /** Shows the final line (the time taken instead of the ETA) and ends it. Idempotent. */
    public void finish() {
        if (finished) {
            return;
        }
        finished = true;
        draw();
        if (lineOpen) {
            write("\n");
            lineOpen = false;
        }
    }

    /** {@link #finish()}. */
    @Override
    public void close() {
        finish();
    }

    /** The resolved mode (never AUTO). */
    public Mode mode() {
        return mode;
    }

    private void draw() {
        String line = ProgressFormat.line(state(), barWidth);
        if (mode == Mode.TERMINAL) {
            String padding = line.length() < drawnLength ? " ".repeat(drawnLength - line.length()) : "";
            write("\r" + line + padding);
            drawnLength = line.length();
            lineOpen = true;
        } else {
            write(line + "\n");
        }
    }

    private void write(String s) {
        try {
            out.append(s);
            if (out instanceof Flushable f) {
                f.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Options of a {@link ProgressBar}. */
    public static final class Builder {
        private final long total;
        private Appendable out;
        private Mode mode = Mode.AUTO;
        private int barWidth = 20;
        private long plainEverySteps;
        private Duration plainEvery = Duration.ofSeconds(10);
        private Duration redrawEvery = Duration.ofMillis(100);
        private LongSupplier clock = System::nanoTime;
        private long startStep;

        private Builder(long total) {
            if (total < 1) {
                throw new IllegalArgumentException("total steps must be >= 1, got " + total);
            }
            this.total = total;
        }

        /** Where the line goes (e.g. {@code System.err}, so that stdout keeps results only). Required. */
        public Builder output(Appendable out) {
            this.out = out;
            return this;
        }

        /** Terminal or plain; default AUTO ({@link Mode#detect()}). */
        public Builder mode(Mode m) {
            this.mode = Objects.requireNonNull(m);
            return this;
        }

        /** Characters of the bar; 0 for none (default 20). */
        public Builder barWidth(int width) {
            if (width < 0) {
                throw new IllegalArgumentException("bar width must be >= 0");
            }
            this.barWidth = width;
            return this;
        }

        /** Plain mode: a line every N steps at least (default: total / 20, rounded up). */
        public Builder plainEverySteps(long n) {
            if (n < 1) {
                throw new IllegalArgumentException("plainEverySteps must be >= 1");
            }
            this.plainEverySteps = n;
            return this;
        }

        /** Plain mode: a line at least this often while steps advance (default 10 s). */
        public Builder plainEvery(Duration d) {
            this.plainEvery = Objects.requireNonNull(d);
            return this;
        }

        /** Terminal mode: redraw at most this often (default 100 ms). */
        public Builder redrawEvery(Duration d) {
            this.redrawEvery = Objects.requireNonNull(d);
            return this;
        }

        /** The time source in nanoseconds (default {@link System#nanoTime()}); for tests. */
        public Builder clock(LongSupplier nanos) {
            this.clock = Objects.requireNonNull(nanos);
            return this;
        }

        /** The step the run starts from (a resumed run's checkpoint step; default 0). */
        public Builder startStep(long s) {
            this.startStep = s;
            return this;
        }

        public ProgressBar build() {
            return new ProgressBar(this);
        }
    }
}
