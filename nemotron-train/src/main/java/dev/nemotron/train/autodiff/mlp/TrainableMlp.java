package dev.nemotron.train.autodiff.mlp;

import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.autodiff.core.Linear;
import dev.nemotron.train.autodiff.core.Parameters;
import dev.nemotron.train.autodiff.core.TrainableMixer;

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
public final class TrainableMlp implements TrainableMixer<TrainableMlp.Saved> {
    /** The input, the pre-activation and the activation. */
    public static final class Saved {
        double[] x;
        double[] h;
        double[] a;
        int rows;
    }

    private final String prefix;
    private final int d;
    private final int f;
    private final double[] up;
    private final double[] upBias;
    private final double[] down;
    private final double[] downBias;

    /** @param prefix the mixer's checkpoint prefix, e.g. {@code backbone.layers.1.mixer.} */
    public TrainableMlp(Parameters params, String prefix) {
        this.prefix = prefix;
        this.up = params.get(prefix + "up_proj.weight");
        this.down = params.get(prefix + "down_proj.weight");
        this.upBias = params.getOrNull(prefix + "up_proj.bias");
        this.downBias = params.getOrNull(prefix + "down_proj.bias");
        long[] upShape = params.shape(prefix + "up_proj.weight");
        this.f = (int) upShape[0];
        this.d = (int) upShape[1];
    }

    @Override
    public Saved newSaved() {
        return new Saved();
    }

    @Override
    public double[] forward(double[] x, int rows, Saved saved) {
        // 1. up
        double[] h = Linear.forward(x, rows, d, up, upBias, f);
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
        return Linear.forward(a, rows, f, down, downBias, d);
    }

    @Override
    public double[] backward(double[] dOut, Saved s, Gradients grads) {
        double[] da = Linear.backward(dOut, s.a, s.rows, f, down, d, grads.get(prefix + "down_proj.weight"),
                downBias == null ? null : grads.get(prefix + "down_proj.bias"));
        double[] dh = new double[da.length];
        for (int i = 0; i < da.length; i++) {
            dh[i] = s.h[i] > 0 ? da[i] * 2 * s.h[i] : 0;
        }
        return Linear.backward(dh, s.x, s.rows, d, up, f, grads.get(prefix + "up_proj.weight"),
                upBias == null ? null : grads.get(prefix + "up_proj.bias"));
    }
}
