package dev.nemotron.train.autodiff.mlp;

import dev.nemotron.api.layer.LayerContext;
import dev.nemotron.api.layer.dims.LayerDims;
import dev.nemotron.api.layer.train.ParameterGradients;
import dev.nemotron.api.layer.train.ParameterStore;
import dev.nemotron.api.layer.train.Segments;
import dev.nemotron.api.layer.train.TrainableMixer;
import dev.nemotron.api.layer.train.TrainableMixerFactory;
import dev.nemotron.train.autodiff.core.LinearLayer;
import dev.nemotron.train.autodiff.core.LinearLayerOwner;
import java.util.List;

/**
 * The squared-ReLU MLP, {@code down_proj(relu(up_proj(x))^2)}, biases when the store has them.
 *
 * <pre>
 * x [L, d] -> out [L, d];  F = intermediate_size
 * 1. h = up_proj(x)      [L, F]
 * 2. a = relu(h)^2       [L, F]
 * 3. out = down_proj(a)  [L, d]
 * backward: da = dout W_down;  dh = da * 2 relu(h);  dx = dh W_up
 * </pre>
 */
public final class TrainableMlp implements TrainableMixer<TrainableMlp.Saved>, LinearLayerOwner {
    /** The trainable form of nemotron-arch's MLP layers (pattern symbol {@code -}). */
    public static final class Factory implements TrainableMixerFactory {
        @Override
        public char symbol() {
            return '-';
        }

        @Override
        public TrainableMixer<?> create(LayerContext layer, LayerDims dims, ParameterStore params) {
            return new TrainableMlp(params, layer.weightPrefix());
        }
    }

    /** The input, the pre-activation and the activation. */
    public static final class Saved {
        double[] x;
        double[] h;
        double[] a;
        int rows;

        /** The activation entering {@code down_proj}, {@code relu(up_proj(x))²} [L, F] (the pass's own array). */
        public double[] activation() {
            return a;
        }
    }

    private final int d;
    private final int f;
    private final LinearLayer up;
    private final LinearLayer down;

    /** @param prefix the mixer's checkpoint prefix, e.g. {@code backbone.layers.1.mixer.} */
    public TrainableMlp(ParameterStore params, String prefix) {
        this.up = LinearLayer.of(params, prefix + "up_proj");
        this.down = LinearLayer.of(params, prefix + "down_proj");
        this.f = up.out();
        this.d = up.in();
    }

    @Override
    public List<LinearLayer> linearLayers() {
        return List.of(up, down);
    }

    @Override
    public Saved newSaved() {
        return new Saved();
    }

    @Override
    public double[] forward(double[] x, int rows, Saved saved) {
        // 1. up
        double[] h = up.forward(x, rows);
        // 2. relu^2
        double[] a = new double[h.length];
        for (int i = 0; i < h.length; i++) {
            double r = Math.max(h[i], 0);
            a[i] = r * r;
        }
        if (saved != null) {
            saved.x = x;
            saved.h = h;
            saved.a = a;
            saved.rows = rows;
        }
        // 3. down
        return down.forward(a, rows);
    }

    /** Per position: a packed row runs as one, its segments cannot see each other here. */
    @Override
    public double[] forward(double[] x, Segments segments, Saved saved) {
        return forward(x, segments.length(), saved);
    }

    @Override
    public double[] backward(double[] dOut, Saved s, ParameterGradients grads) {
        double[] da = down.backward(dOut, s.a, s.rows, grads);
        double[] dh = new double[da.length];
        for (int i = 0; i < da.length; i++) {
            dh[i] = s.h[i] > 0 ? da[i] * 2 * s.h[i] : 0;
        }
        return up.backward(dh, s.x, s.rows, grads);
    }
}
