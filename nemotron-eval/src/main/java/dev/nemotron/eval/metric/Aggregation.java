package dev.nemotron.eval.metric;

import dev.nemotron.api.NemotronException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How one problem's sample scores (one per repeat) become the problem's value; a task's result is
 * the mean of its problems' values, and its standard error is bootstrapped over problems.
 *
 * <ul>
 *   <li>{@code mean}: the mean over all repeats (with k repeats: avg@k); reported as the metric's name;</li>
 *   <li>{@code avg@K}: the mean over the first K repeats; reported as {@code NAME_avg@K};</li>
 *   <li>{@code pass@K}: the unbiased pass@K estimate from n repeats of which c scored 1
 *       ({@link PassAtK}); reported as {@code NAME_pass@K};</li>
 *   <li>{@code pass@all}: {@code pass@1}, {@code pass@2}, ... {@code pass@R} for a task of R
 *       repeats (so {@code --repeats K} reports pass@k for every k from 1 to K).</li>
 * </ul>
 */
public sealed interface Aggregation {
    /** The result key for metric {@code metric}. */
    String key(String metric);

    /** The problem's value from its repeats' scores (in repeat order). */
    double perDoc(double[] scores);

    /** Repeats needed at least. */
    int minRepeats();

    /** The name as a task file writes it. */
    String wireName();

    /** Mean over all repeats. */
    record Mean() implements Aggregation {
        @Override
        public String key(String metric) {
            return metric;
        }

        @Override
        public double perDoc(double[] scores) {
            double sum = 0;
            for (double s : scores) {
                sum += s;
            }
            return sum / scores.length;
        }

        @Override
        public int minRepeats() {
            return 1;
        }

        @Override
        public String wireName() {
            return "mean";
        }
    }

    /** Mean over the first k repeats. */
    record AvgAtK(int k) implements Aggregation {
        @Override
        public String key(String metric) {
            return metric + "_avg@" + k;
        }

        @Override
        public double perDoc(double[] scores) {
            double sum = 0;
            for (int i = 0; i < k; i++) {
                sum += scores[i];
            }
            return sum / k;
        }

        @Override
        public int minRepeats() {
            return k;
        }

        @Override
        public String wireName() {
            return "avg@" + k;
        }
    }

    /** Unbiased pass@k over all repeats; a sample is correct when it scores 1. */
    record PassAt(int k) implements Aggregation {
        @Override
        public String key(String metric) {
            return metric + "_pass@" + k;
        }

        @Override
        public double perDoc(double[] scores) {
            int correct = 0;
            for (double s : scores) {
                if (s >= 1 - 1e-9) {
                    correct++;
                }
            }
            return PassAtK.estimate(scores.length, correct, k);
        }

        @Override
        public int minRepeats() {
            return k;
        }

        @Override
        public String wireName() {
            return "pass@" + k;
        }
    }

    /** The aggregation name that stands for {@code pass@1} ... {@code pass@repeats}. */
    String PASS_AT_ALL = "pass@all";

    /**
     * Parses one entry of a metric's {@code aggregations}: {@code pass@all} becomes {@code pass@1}
     * ... {@code pass@repeats}, any other name one aggregation ({@link #parse}).
     *
     * @throws NemotronException naming {@code where}
     */
    static java.util.List<Aggregation> expand(String text, String where, int repeats) {
        if (text.equals(PASS_AT_ALL)) {
            java.util.List<Aggregation> out = new java.util.ArrayList<>();
            for (int k = 1; k <= repeats; k++) {
                out.add(new PassAt(k));
            }
            return out;
        }
        return java.util.List.of(parse(text, where));
    }

    /**
     * Parses {@code mean}, {@code avg@K} or {@code pass@K}.
     *
     * @throws NemotronException naming {@code where}
     */
    static Aggregation parse(String text, String where) {
        if (text.equals("mean")) {
            return new Mean();
        }
        Matcher m = Pattern.compile("(avg|pass)@([0-9]{1,6})").matcher(text);
        if (m.matches() && Integer.parseInt(m.group(2)) >= 1) {
            int k = Integer.parseInt(m.group(2));
            return m.group(1).equals("avg") ? new AvgAtK(k) : new PassAt(k);
        }
        throw new NemotronException(where + ": unknown aggregation '" + text + "' (known: mean, avg@K, pass@K with K >= 1, pass@all)");
    }
}
