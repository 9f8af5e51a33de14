package dev.nemotron.eval.metric;

import dev.nemotron.eval.model.Loglikelihood;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code acc} and {@code acc_norm} of a multiple-choice sample: 1 when the option with the
 * highest log-likelihood is the gold one; {@code acc_norm} first divides each option's
 * log-likelihood by its length in UTF-8 bytes (so long options are not penalised for their
 * length). Ties go to the first option. For a {@code loglikelihood} task {@code acc} is 1 when
 * the reference continuation is what greedy decoding would produce.
 */
public final class ChoiceAccuracy implements Metric {
    private final boolean normalized;

    /** @param normalized true for {@code acc_norm} */
    public ChoiceAccuracy(boolean normalized) {
        this.normalized = normalized;
    }

    @Override
    public double score(SampleView s) {
        if (s.loglikelihood() != null) {
            return s.loglikelihood().greedy() ? 1 : 0;
        }
        return best(s.choices(), s.choiceLoglikelihoods(), normalized) == s.gold() ? 1 : 0;
    }

    /** The index of the best option (the first of equals). */
    public static int best(List<String> choices, List<Loglikelihood> lls, boolean normalized) {
        int best = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < lls.size(); i++) {
            double v = lls.get(i).logprob();
            if (normalized) {
                v /= Math.max(1, choices.get(i).getBytes(StandardCharsets.UTF_8).length);
            }
            if (best < 0 || v > bestScore) {
                best = i;
                bestScore = v;
            }
        }
        return best;
    }
}
