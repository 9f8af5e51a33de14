package dev.nemotron.train.autodiff.check;

import dev.nemotron.api.layer.train.Segments;
import dev.nemotron.train.autodiff.ForwardOptions;
import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.autodiff.loss.CrossEntropy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Checks that a packed row equals its samples run one by one: the tool behind the packed-sequence
 * tests and {@code nemotron gradcheck --segments}, usable on any model shape.
 *
 * <pre>
 * samples i = 1..k of lengths n_i (Segments), tokens and targets random (about 1 in 4 targets -100)
 * packed:   the concatenation, one forward/backward with the segments: logits, loss, grads
 * separate: each sample alone: logits_i, loss_i, grads_i; c_i = its counted targets, c = sum c_i
 * 1. logits:    packed rows [start_i, start_i + n_i) = logits_i
 * 2. loss:      c * loss = sum_i c_i loss_i          (each loss the mean over its counted targets)
 * 3. gradients: c * grads = sum_i c_i grads_i        every parameter tensor
 * error of a tensor: max |packed - separate| / max |separate| (the absolute difference when 0)
 * </pre>
 * It passes when every error is at most {@link #TOLERANCE} (float64 rounding is ~1e-15 here).
 */
public final class PackedCheck {
    public static final double TOLERANCE = 1e-12;

    private PackedCheck() {
    }

    /** One sample: its tokens and targets ({@link CrossEntropy#IGNORE_INDEX}: not counted). */
    public record Sample(int[] tokens, int[] targets) {
        public int counted() {
            return (int) Arrays.stream(targets).filter(t -> t != CrossEntropy.IGNORE_INDEX).count();
        }
    }

    /** The worst error of the logits, the loss and each gradient tensor (by name, in model order). */
    public record Report(double logitsError, double lossError, List<TensorError> tensors) {
        public double worstGradientError() {
            return tensors.stream().mapToDouble(TensorError::error).max().orElse(0);
        }

        public boolean passed() {
            return logitsError <= TOLERANCE && lossError <= TOLERANCE && worstGradientError() <= TOLERANCE;
        }
    }

    /** One gradient tensor's worst relative difference. */
    public record TensorError(String name, double error) {
    }

    /** Random samples of the given lengths (seeded), about one target in four ignored. */
    public static List<Sample> randomSamples(Segments segments, int vocab, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < segments.count(); i++) {
            int len = segments.length(i);
            int[] tokens = new int[len];
            int[] targets = new int[len];
            for (int t = 0; t < len; t++) {
                tokens[t] = rnd.nextInt(vocab);
                targets[t] = rnd.nextInt(4) == 0 ? CrossEntropy.IGNORE_INDEX : rnd.nextInt(vocab);
            }
            out.add(new Sample(tokens, targets));
        }
        return out;
    }

    /** Compares the packed row of random samples of {@code segments} with the samples one by one. */
    public static Report run(TrainableModel model, Segments segments, long seed) {
        return run(model, randomSamples(segments, model.graph().config().vocabSize(), seed));
    }

    /** Compares the packed row of {@code samples} (in order) with the samples one by one. */
    public static Report run(TrainableModel model, List<Sample> samples) {
        Segments seg = Segments.of(samples.stream().mapToInt(s -> s.tokens().length).toArray());
        int[] tokens = samples.stream().flatMapToInt(s -> Arrays.stream(s.tokens())).toArray();
        int[] targets = samples.stream().flatMapToInt(s -> Arrays.stream(s.targets())).toArray();
        int vocab = model.graph().config().vocabSize();
        // packed
        Gradients packed = model.newGradients();
        double packedLoss = model.lossAndGradients(tokens, seg, targets, packed);
        double[] packedLogits = model.forward(tokens, ForwardOptions.inference().withSegments(seg)).logits();
        int counted = new Sample(tokens, targets).counted();
        // 1-3. the samples one by one, weighted by their counted targets
        Gradients separate = model.newGradients();
        double separateSum = 0;
        double logitsError = 0;
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            Gradients g = model.newGradients();
            separateSum += model.lossAndGradients(s.tokens(), s.targets(), g) * s.counted();
            for (String name : g.names()) {
                double[] acc = separate.get(name);
                double[] gi = g.get(name);
                for (int j = 0; j < acc.length; j++) {
                    acc[j] += s.counted() * gi[j];
                }
            }
            int from = seg.start(i) * vocab;
            double[] slice = Arrays.copyOfRange(packedLogits, from, from + s.tokens().length * vocab);
            logitsError = Math.max(logitsError, error(slice, model.logits(s.tokens())));
        }
        double lossError = Math.abs(packedLoss * counted - separateSum) / Math.max(Math.abs(separateSum), Double.MIN_NORMAL);
        List<TensorError> tensors = new ArrayList<>();
        for (String name : separate.names()) {
            double[] actual = packed.get(name).clone();
            for (int j = 0; j < actual.length; j++) {
                actual[j] *= counted;
            }
            tensors.add(new TensorError(name, error(actual, separate.get(name))));
        }
        return new Report(logitsError, counted == 0 ? Math.abs(packedLoss) : lossError, tensors);
    }

    /** max |actual - expected| relative to max |expected| (absolute when expected is all 0). */
    public static double error(double[] actual, double[] expected) {
        double scale = 0;
        double diff = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
        }
        return scale == 0 ? diff : diff / scale;
    }
}
