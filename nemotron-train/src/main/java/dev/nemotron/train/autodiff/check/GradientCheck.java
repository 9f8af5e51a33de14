package dev.nemotron.train.autodiff.check;

import dev.nemotron.api.layer.train.Segments;
import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.autodiff.core.Parameters;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

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
 * 4. a coordinate with |a - n| > 1e-6 |n| + 1e-9 is re-estimated at h/2 and h/4: where the loss is
 *    smooth the estimate stays put (it converges as h^4), so a mismatch there is real; where the
 *    stencil straddles a non-smooth point (relu²'s kink: f'' jumps, the error falls linearly with
 *    h) the estimate moves by a sizeable part of the mismatch: the coordinate is skipped, counted
 * 5. per tensor: err = |a - n| / |n| over the remaining coordinates (2-norms); it passes when
 *    |a - n| <= 1e-6 |n| + 1e-9 sqrt(k) (the absolute floor covers the round-off)
 * </pre>
 *
 * <p>Why both h/2 and h/4: with a kink at u·h from x, the 4-point stencil's error is h·J·g(u); at
 * one u (about 0.54) g(2u)/2 = g(u), so h/2 alone would see no movement; h/4 then lies clear of it.
 */
public final class GradientCheck {
    public static final double H = 1e-4;
    public static final double REL_TOL = 1e-6;
    public static final double ABS_TOL = 1e-9;
    /** A re-estimate that moves by more than this part of the mismatch marks a non-smooth point. */
    public static final double MOVE_FRACTION = 0.1;

    private GradientCheck() {
    }

    /**
     * One tensor's outcome.
     *
     * @param coordinates the coordinates drawn
     * @param nonSmooth   those of them skipped: the stencil straddles a non-smooth point of the loss
     */
    public record TensorResult(String name, int coordinates, int nonSmooth, double relativeError, double numericNorm,
                               boolean passed) {
    }

    /** Every tensor's outcome and the loss the gradients were taken at. */
    public record Report(double loss, List<TensorResult> tensors) {
        public boolean passed() {
            return tensors.stream().allMatch(TensorResult::passed);
        }

        public double worstRelativeError() {
            return tensors.stream().mapToDouble(TensorResult::relativeError).max().orElse(0);
        }

        /** Coordinates skipped over all tensors because the loss is not smooth within the stencil. */
        public int nonSmoothCoordinates() {
            return tensors.stream().mapToInt(TensorResult::nonSmooth).sum();
        }
    }

    /** Checks {@code perTensor} coordinates of every tensor on a random sequence of {@code length} tokens. */
    public static Report run(TrainableModel model, int length, int perTensor, long seed) {
        return run(model, Segments.single(length), perTensor, seed);
    }

    /**
     * Checks the gradients of a packed row of {@code segments.length()} random tokens holding the
     * samples {@code segments} (the layers keep them apart), {@code perTensor} coordinates per tensor.
     */
    public static Report run(TrainableModel model, Segments segments, int perTensor, long seed) {
        int length = segments.length();
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
        Segments seg = segments.isSingle() ? null : segments;
        double loss = model.lossAndGradients(ids, seg, targets, g);
        return check(model, ids, seg, targets, g, loss, perTensor, rnd);
    }

    /**
     * Checks the gradients {@code g} claimed for the loss of {@code model} on {@code ids} /
     * {@code targets} (steps 3-5): {@code perTensor} coordinates of every tensor drawn from {@code rnd}.
     */
    public static Report check(TrainableModel model, int[] ids, int[] targets, Gradients g, double loss, int perTensor,
                               SplittableRandom rnd) {
        return check(model, ids, null, targets, g, loss, perTensor, rnd);
    }

    /** {@link #check(TrainableModel, int[], int[], Gradients, double, int, SplittableRandom)} of a packed row (null: one sample). */
    public static Report check(TrainableModel model, int[] ids, Segments segments, int[] targets, Gradients g,
                               double loss, int perTensor, SplittableRandom rnd) {
        List<TensorResult> out = new ArrayList<>();
        DoubleSupplier f = () -> model.loss(ids, segments, targets);
        for (Parameters.Param p : model.parameters().all()) {
            double[] analytic = g.get(p.name());
            out.add(checkTensor(p.name(), f, p.data(), analytic, coordinates(analytic, perTensor, rnd)));
        }
        return new Report(loss, out);
    }

    /** Checks {@code analytic} = d f / d {@code x} at {@code coords} (steps 3-5); {@code x} is restored. */
    public static TensorResult checkTensor(String name, DoubleSupplier f, double[] x, double[] analytic, int[] coords) {
        double num2 = 0;
        double diff2 = 0;
        int nonSmooth = 0;
        for (int i : coords) {
            double n = numeric(f, x, i, H);
            double d = analytic[i] - n;
            if (Math.abs(d) > REL_TOL * Math.abs(n) + ABS_TOL && !smoothAt(f, x, i, n, Math.abs(d))) {
                nonSmooth++;
                continue;
            }
            num2 += n * n;
            diff2 += d * d;
        }
        int checked = coords.length - nonSmooth;
        double norm = Math.sqrt(num2);
        double err = Math.sqrt(diff2);
        boolean ok = err <= REL_TOL * norm + ABS_TOL * Math.sqrt(checked);
        return new TensorResult(name, coords.length, nonSmooth, norm == 0 ? err : err / norm, norm, ok);
    }

    /**
     * Whether the finite-difference estimate {@code n} at h converges: its re-estimates at h/2 and
     * h/4 stay within {@link #MOVE_FRACTION} of the {@code mismatch} (at a smooth point they move by
     * the O(h^4) truncation only; across a kink by a part of the mismatch comparable to it).
     */
    static boolean smoothAt(DoubleSupplier f, double[] x, int i, double n, double mismatch) {
        for (double h : new double[] {H / 2, H / 4}) {
            if (Math.abs(numeric(f, x, i, h) - n) > MOVE_FRACTION * mismatch) {
                return false;
            }
        }
        return true;
    }

    /** The 4-point central difference of {@code f} with respect to {@code x[i]} (h = {@link #H}); {@code x} is restored. */
    public static double numeric(DoubleSupplier f, double[] x, int i) {
        return numeric(f, x, i, H);
    }

    /** The 4-point central difference with step {@code h}; {@code x} is restored. */
    static double numeric(DoubleSupplier f, double[] x, int i, double h) {
        double saved = x[i];
        x[i] = saved + 2 * h;
        double f2 = f.getAsDouble();
        x[i] = saved + h;
        double f1 = f.getAsDouble();
        x[i] = saved - h;
        double m1 = f.getAsDouble();
        x[i] = saved - 2 * h;
        double m2 = f.getAsDouble();
        x[i] = saved;
        return (-f2 + 8 * f1 - 8 * m1 + m2) / (12 * h);
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
