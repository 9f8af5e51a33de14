package dev.nemotron.train.autodiff.check;

import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.autodiff.core.Parameters;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Checks a model's analytic gradients against float64 finite differences, tensor by tensor: the
 * tool behind {@code nemotron gradcheck}, usable on any model shape.
 *
 * <pre>
 * 1. random tokens [L] and targets [L] (seeded), a few targets set to -100 (ignored)
 * 2. analytic: loss and d loss / d every parameter from TrainableModel.lossAndGradients
 * 3. numeric, for k coordinates per tensor (all when it has fewer; always its largest gradient):
 *    4-point central stencil (-f(x+2h) + 8f(x+h) - 8f(x-h) + f(x-2h)) / 12h, h = 1e-4,
 *    truncation O(h^4), round-off about 1e-16 |loss| / h
 * 4. per tensor: err = |a - n| / |n| over the checked coordinates (2-norms); it passes when
 *    |a - n| <= 1e-6 |n| + 1e-9 sqrt(k) (the absolute floor covers the round-off)
 * </pre>
 */
public final class GradientCheck {
    public static final double H = 1e-4;
    public static final double REL_TOL = 1e-6;
    public static final double ABS_TOL = 1e-9;

    private GradientCheck() {
    }

    /** One tensor's outcome. */
    public record TensorResult(String name, int coordinates, double relativeError, double numericNorm, boolean passed) {
    }

    /** Every tensor's outcome and the loss the gradients were taken at. */
    public record Report(double loss, List<TensorResult> tensors) {
        public boolean passed() {
            return tensors.stream().allMatch(TensorResult::passed);
        }

        public double worstRelativeError() {
            return tensors.stream().mapToDouble(TensorResult::relativeError).max().orElse(0);
        }
    }

    /** Checks {@code perTensor} coordinates of every tensor on a random sequence of {@code length} tokens. */
    public static Report run(TrainableModel model, int length, int perTensor, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int vocab = model.graph().config().vocabSize();
        int[] ids = new int[length];
        int[] targets = new int[length];
        for (int i = 0; i < length; i++) {
            ids[i] = rnd.nextInt(vocab);
            targets[i] = i % 5 == 3 ? -100 : rnd.nextInt(vocab);
        }
        // 1-2. analytic gradients
        Gradients g = model.newGradients();
        double loss = model.lossAndGradients(ids, targets, g);
        // 3-4. numeric, tensor by tensor
        List<TensorResult> out = new ArrayList<>();
        for (Parameters.Param p : model.parameters().all()) {
            double[] analytic = g.get(p.name());
            double[] x = p.data();
            double num2 = 0;
            double diff2 = 0;
            int[] coords = coordinates(analytic, perTensor, rnd);
            for (int i : coords) {
                double n = numeric(() -> model.loss(ids, targets), x, i);
                double d = analytic[i] - n;
                num2 += n * n;
                diff2 += d * d;
            }
            double norm = Math.sqrt(num2);
            double err = Math.sqrt(diff2);
            boolean ok = err <= REL_TOL * norm + ABS_TOL * Math.sqrt(coords.length);
            out.add(new TensorResult(p.name(), coords.length, norm == 0 ? err : err / norm, norm, ok));
        }
        return new Report(loss, out);
    }

    /** The 4-point central difference of {@code f} with respect to {@code x[i]} (h = {@link #H}); {@code x} is restored. */
    public static double numeric(java.util.function.DoubleSupplier f, double[] x, int i) {
        double saved = x[i];
        x[i] = saved + 2 * H;
        double f2 = f.getAsDouble();
        x[i] = saved + H;
        double f1 = f.getAsDouble();
        x[i] = saved - H;
        double m1 = f.getAsDouble();
        x[i] = saved - 2 * H;
        double m2 = f.getAsDouble();
        x[i] = saved;
        return (-f2 + 8 * f1 - 8 * m1 + m2) / (12 * H);
    }

    /** Every index when there are at most {@code k}; else the largest gradient plus k random ones. */
    public static int[] coordinates(double[] analytic, int k, SplittableRandom rnd) {
        if (analytic.length <= k) {
            return java.util.stream.IntStream.range(0, analytic.length).toArray();
        }
        Set<Integer> set = new LinkedHashSet<>();
        int argmax = 0;
        for (int i = 1; i < analytic.length; i++) {
            if (Math.abs(analytic[i]) > Math.abs(analytic[argmax])) {
                argmax = i;
            }
        }
        set.add(argmax);
        while (set.size() < k + 1) {
            set.add(rnd.nextInt(analytic.length));
        }
        return set.stream().mapToInt(Integer::intValue).toArray();
    }
}
