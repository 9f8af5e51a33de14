package dev.nemotron.train.autodiff.embedding;

import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.autodiff.core.Linear;
import dev.nemotron.train.autodiff.core.Parameters;

/**
 * The output projection to the vocabulary ({@code lm_head.weight}, or the embedding table when
 * tied: its gradient then adds to the embedding's).
 *
 * <pre>
 * h [L, d]  W [V, d]  ->  logits [L, V] = h W^T
 * backward: dh = dlogits W;  dW += dlogits^T h
 * </pre>
 */
public final class LmHead {
    private final String weightName;
    private final double[] w;
    private final int vocab;
    private final int dim;

    public LmHead(Parameters params, String weightName) {
        this.weightName = weightName;
        this.w = params.get(weightName);
        long[] shape = params.shape(weightName);
        this.vocab = (int) shape[0];
        this.dim = (int) shape[1];
    }

    public int vocab() {
        return vocab;
    }

    public double[] forward(double[] h, int rows) {
        return Linear.forward(h, rows, dim, w, null, vocab);
    }

    public double[] backward(double[] dLogits, double[] h, int rows, Gradients grads) {
        return Linear.backward(dLogits, h, rows, dim, w, vocab, grads.get(weightName), null);
    }
}
