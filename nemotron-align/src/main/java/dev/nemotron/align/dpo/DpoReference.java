package dev.nemotron.align.dpo;

import dev.nemotron.align.sft.SftRow;
import dev.nemotron.train.autodiff.ForwardOptions;
import dev.nemotron.train.autodiff.ForwardPass;
import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.train.autodiff.loss.TokenLogProbs;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The frozen reference: log pi_ref(chosen|x) and log pi_ref(rejected|x) of every pair, computed
 * once before training from the reference model (the init model), summed over the response
 * tokens only.
 *
 * <pre>
 * for each pair i (in parallel, each pair on its own: the result does not depend on the threads):
 * 1. row = chosen ++ rejected as two segments (as the policy sees it in training)
 * 2. logits = reference.forward(row, the training pass's options)   — the same arithmetic as the
 *    policy's forward, so at initialisation policy and reference agree bit for bit (loss = log 2)
 * 3. chosen[i], rejected[i] = the sums of the token log-probs over each segment's response
 * </pre>
 *
 * @param chosen   log pi_ref(chosen_i | x_i)
 * @param rejected log pi_ref(rejected_i | x_i)
 */
public record DpoReference(double[] chosen, double[] rejected) {

    public static DpoReference compute(TrainableModel reference, List<DpoPair> pairs, int threads) {
        double[] c = new double[pairs.size()];
        double[] r = new double[pairs.size()];
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), task -> {
            Thread t = new Thread(task, "dpo-reference");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < pairs.size(); i++) {
                int k = i;
                futures.add(pool.submit(() -> {
                    double[] s = logProbs(reference, pairs.get(k));
                    c[k] = s[0];
                    r[k] = s[1];
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while computing the reference log-probs", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return new DpoReference(c, r);
    }

    /** The summed response log-probs {chosen, rejected} of {@code pair} under {@code model}. */
    public static double[] logProbs(TrainableModel model, DpoPair pair) {
        SftRow row = pair.row();
        // 1-2. the training pass's forward over the two segments
        ForwardPass pass = model.forward(row.inputs(), ForwardOptions.training().withSegments(row.toSegments()));
        // 3. the sums per response
        TokenLogProbs lp = TokenLogProbs.of(pass.logits(), pass.rows(), pass.vocab(), row.targets());
        return DpoPairLoss.responseLogProbs(lp, pair.chosen().positions());
    }

    /** The mean of an array (NaN when empty). */
    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return v.length == 0 ? Double.NaN : s / v.length;
    }
}
