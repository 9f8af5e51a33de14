package dev.nemotron.plugins.examples.scale;

import dev.nemotron.api.layer.train.ParameterGradients;
import dev.nemotron.api.layer.train.ParameterStore;
import dev.nemotron.api.layer.train.Segments;
import dev.nemotron.api.layer.train.TrainableMixer;

/**
 * The example scale layer in float64, with its backward pass.
 *
 * <pre>
 * forward:  out[t, c] = x[t, c] * s[c]
 * backward: dx[t, c] = dOut[t, c] * s[c];  ds[c] += sum_t dOut[t, c] * x[t, c]
 * </pre>
 */
final class TrainableScale implements TrainableMixer<TrainableScale.Saved> {
    /** The input of one forward pass. */
    static final class Saved {
        double[] x;
    }

    private final String name;
    private final double[] scale;

    TrainableScale(ParameterStore params, String name, int hidden) {
        this.name = name;
        this.scale = params.get(name);
        if (scale.length != hidden) {
            throw new IllegalArgumentException(name + " has " + scale.length + " values, hidden_size is " + hidden);
        }
    }

    @Override
    public Saved newSaved() {
        return new Saved();
    }

    @Override
    public double[] forward(double[] x, int seqLen, Saved saved) {
        int d = scale.length;
        double[] out = new double[seqLen * d];
        for (int i = 0; i < out.length; i++) {
            out[i] = x[i] * scale[i % d];
        }
        if (saved != null) {
            saved.x = x;
        }
        return out;
    }

    /** Per position: a packed row's samples cannot see each other here, so it runs as one row. */
    @Override
    public double[] forward(double[] x, Segments segments, Saved saved) {
        return forward(x, segments.length(), saved);
    }

    @Override
    public double[] backward(double[] dOut, Saved saved, ParameterGradients grads) {
        int d = scale.length;
        double[] ds = grads.get(name);
        double[] dx = new double[dOut.length];
        for (int i = 0; i < dOut.length; i++) {
            dx[i] = dOut[i] * scale[i % d];
            ds[i % d] += dOut[i] * saved.x[i];
        }
        return dx;
    }
}
