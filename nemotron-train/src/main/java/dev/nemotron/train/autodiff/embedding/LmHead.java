package dev.nemotron.train.autodiff.embedding;

import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.autodiff.core.LinearLayer;
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
    private final LinearLayer layer;

    public LmHead(Parameters params, String weightName) {
        this.layer = new LinearLayer(params, weightName, null);
    }

    public int vocab() {
        return layer.out();
    }

    /** The projection (its precision is set through it). */
    public LinearLayer layer() {
        return layer;
    }

    public double[] forward(double[] h, int rows) {
        return layer.forward(h, rows);
    }

    public double[] backward(double[] dLogits, double[] h, int rows, Gradients grads) {
        return layer.backward(dLogits, h, rows, grads);
    }
}
