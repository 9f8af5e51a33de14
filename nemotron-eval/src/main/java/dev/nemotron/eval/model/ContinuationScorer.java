package dev.nemotron.eval.model;

import dev.nemotron.api.NemotronException;
import dev.nemotron.infer.engine.LanguageModel;
import dev.nemotron.infer.engine.ModelSequence;
import dev.nemotron.text.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.List;

/**
 * Log-likelihood of a continuation through a {@link LanguageModel}'s logits, tokenised as
 * lm-evaluation-harness does: trailing spaces of the context move to the continuation, the
 * continuation's tokens are those of {@code encode(context + continuation)} after the first
 * {@code encode(context).length} (so a merge across the boundary is scored as the model would
 * see it). The context is prefilled once; each continuation token is then decoded, and the
 * log-softmax of the logits before it is read at its id.
 */
final class ContinuationScorer {
    private ContinuationScorer() {
    }

    static Loglikelihood score(LanguageModel model, Tokenizer tok, String context, String continuation) {
        int spaces = 0;
        while (spaces < context.length() && context.charAt(context.length() - 1 - spaces) == ' ') {
            spaces++;
        }
        String ctxText = context.substring(0, context.length() - spaces);
        String contText = context.substring(context.length() - spaces) + continuation;
        int[] whole = tok.encode(ctxText + contText);
        int[] ctx = tok.encode(ctxText);
        if (ctx.length == 0) {
            throw new NemotronException("log-likelihood needs a non-empty context (the prompt encodes to no tokens)");
        }
        if (whole.length <= ctx.length) {
            throw new NemotronException("log-likelihood needs a non-empty continuation, got '" + continuation + "'");
        }
        int[] cont = Arrays.copyOfRange(whole, Math.min(ctx.length, whole.length), whole.length);
        ModelSequence seq = model.newSequence();
        float[] logits = model.prefill(seq, ctx);
        int vocab = model.vocabSize();
        double sum = 0;
        boolean greedy = true;
        for (int i = 0; i < cont.length; i++) {
            int t = cont[i];
            if (t < 0 || t >= vocab) {
                throw new NemotronException("token id " + t + " of the continuation is outside the model's vocabulary (" + vocab + ")");
            }
            sum += logSoftmaxAt(logits, 0, vocab, t);
            greedy &= argmax(logits, 0, vocab) == t;
            if (i < cont.length - 1) {
                logits = model.decode(List.of(seq), new int[] {t});
            }
        }
        return new Loglikelihood(sum, greedy, cont.length);
    }

    /** {@code log softmax(logits[from, from+n))[t]}, in double. */
    static double logSoftmaxAt(float[] logits, int from, int n, int t) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, logits[from + i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(logits[from + i] - max);
        }
        return logits[from + t] - max - Math.log(sum);
    }

    /** The index of the largest logit, ties to the lowest id (the sampler's greedy rule). */
    static int argmax(float[] logits, int from, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (logits[from + i] > logits[from + best]) {
                best = i;
            }
        }
        return best;
    }
}
