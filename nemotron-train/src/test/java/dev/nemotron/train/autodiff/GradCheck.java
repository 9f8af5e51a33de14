package dev.nemotron.train.autodiff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.train.autodiff.check.GradientCheck;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

/**
 * Float64 central finite differences against analytic gradients.
 *
 * <p>Two central stencils: the 2-point one with h = 1e-6 (layer tests), and a 4-point one
 * {@code (-f(x+2h) + 8f(x+h) - 8f(x-h) + f(x-2h)) / 12h} with h = 1e-4 for the whole model, whose
 * truncation error is O(h^4) and whose round-off (≈ 1e-16·|loss|/h) stays far below the smallest
 * gradients of the fixture (≈ 1e-5: dt_bias, A_log of deep layers).
 *
 * <p>For a tensor, the analytic gradient {@code a} and the numeric one {@code n} at the checked
 * coordinates must satisfy ‖a − n‖ ≤ TOL · ‖n‖ + ATOL · √k (k coordinates): relative 1e-6, with
 * an absolute floor for the round-off of the difference quotient (≈ 1e-16·|loss|/h).
 */
public final class GradCheck {
    public static final double H = 1e-6;
    public static final double TOL = 1e-6;
    public static final double ATOL = 1e-9;
    public static final double H4 = GradientCheck.H;

    private GradCheck() {
    }

    public static double numeric(DoubleSupplier f, double[] x, int i) {
        double saved = x[i];
        x[i] = saved + H;
        double fp = f.getAsDouble();
        x[i] = saved - H;
        double fm = f.getAsDouble();
        x[i] = saved;
        return (fp - fm) / (2 * H);
    }

    public static double numeric4(DoubleSupplier f, double[] x, int i) {
        return GradientCheck.numeric(f, x, i);
    }

    /** Every coordinate when the tensor has at most {@code k}; else k random ones plus the largest gradient. */
    public static int[] coordinates(double[] analytic, int k, SplittableRandom rnd) {
        return GradientCheck.coordinates(analytic, k, rnd);
    }

    /** Checks {@code analytic} = d f / d {@code x} at {@code coords}; returns the relative error. */
    public static double check(String what, DoubleSupplier f, double[] x, double[] analytic, int[] coords) {
        return check(what, f, x, analytic, coords, false);
    }

    /** As {@link #check(String, DoubleSupplier, double[], double[], int[])}, optionally with the 4-point stencil. */
    public static double check(String what, DoubleSupplier f, double[] x, double[] analytic, int[] coords,
                               boolean fourPoint) {
        double num2 = 0;
        double diff2 = 0;
        StringBuilder worst = new StringBuilder();
        double worstDiff = -1;
        for (int i : coords) {
            double n = fourPoint ? numeric4(f, x, i) : numeric(f, x, i);
            double d = analytic[i] - n;
            num2 += n * n;
            diff2 += d * d;
            if (Math.abs(d) > worstDiff) {
                worstDiff = Math.abs(d);
                worst.setLength(0);
                worst.append("[").append(i).append("] analytic ").append(analytic[i]).append(" numeric ").append(n);
            }
        }
        double norm = Math.sqrt(num2);
        double err = Math.sqrt(diff2);
        assertThat(err).as("%s: |analytic - numeric| over %d coordinates (|numeric| = %.3e, worst %s)",
                what, coords.length, norm, worst).isLessThanOrEqualTo(TOL * norm + ATOL * Math.sqrt(coords.length));
        return norm == 0 ? err : err / norm;
    }

    /** Checks every coordinate. */
    public static double checkAll(String what, DoubleSupplier f, double[] x, double[] analytic) {
        return check(what, f, x, analytic, coordinates(analytic, Integer.MAX_VALUE, null));
    }

    public static double[] random(SplittableRandom rnd, int n, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (rnd.nextDouble() * 2 - 1) * scale;
        }
        return v;
    }

    public static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
