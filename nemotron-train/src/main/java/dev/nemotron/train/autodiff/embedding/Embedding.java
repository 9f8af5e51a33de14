package dev.nemotron.train.autodiff.embedding;

import dev.nemotron.api.NemotronException;
import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.autodiff.core.Parameters;

/**
 * Token embedding lookup.
 *
 * <pre>
 * ids [L]  E [V, d]  ->  h [L, d]
 * forward:  h[t] = E[ids[t]]
 * backward: dE[ids[t]] += dh[t]   (scatter-add: a repeated token sums its rows)
 * </pre>
 */
public final class Embedding {
    private final String weightName;
    private final double[] table;
    private final int vocab;
    private final int dim;

    public Embedding(Parameters params, String weightName) {
        this.weightName = weightName;
        this.table = params.get(weightName);
        long[] shape = params.shape(weightName);
        this.vocab = (int) shape[0];
        this.dim = (int) shape[1];
    }

    public double[] forward(int[] ids) {
        double[] h = new double[ids.length * dim];
        for (int t = 0; t < ids.length; t++) {
            int id = ids[t];
            if (id < 0 || id >= vocab) {
                throw new NemotronException("token id " + id + " at position " + t
                        + " is outside the vocabulary (vocab_size " + vocab + ")");
            }
            System.arraycopy(table, id * dim, h, t * dim, dim);
        }
        return h;
    }

    public void backward(int[] ids, double[] dh, Gradients grads) {
        double[] dE = grads.get(weightName);
        for (int t = 0; t < ids.length; t++) {
            int row = ids[t] * dim;
            for (int i = 0; i < dim; i++) {
                dE[row + i] += dh[t * dim + i];
            }
        }
    }
}
