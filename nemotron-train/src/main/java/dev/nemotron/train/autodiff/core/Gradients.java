package dev.nemotron.train.autodiff.core;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.layer.train.ParameterGradients;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Gradients matching a {@link Parameters} store: same names, same shapes, float64. Backward
 * passes <em>accumulate</em> into it (so a batch is the sum over its sequences); {@link #zero()}
 * clears it between steps.
 */
public final class Gradients implements ParameterGradients {
    private final Map<String, double[]> grads = new LinkedHashMap<>();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();

    Gradients(Parameters like) {
        for (Parameters.Param p : like.all()) {
            grads.put(p.name(), new double[p.data().length]);
            shapes.put(p.name(), p.shape());
        }
    }

    /** The gradient of {@code name} (live, accumulated into by backward passes). */
    @Override
    public double[] get(String name) {
        double[] g = grads.get(name);
        if (g == null) {
            throw new NemotronException("no gradient for '" + name + "'");
        }
        return g;
    }

    /** The gradient of {@code name}, or null when the parameter is absent (optional ones). */
    @Override
    public double[] getOrNull(String name) {
        return grads.get(name);
    }

    public long[] shape(String name) {
        get(name);
        return shapes.get(name).clone();
    }

    public Set<String> names() {
        return Collections.unmodifiableSet(grads.keySet());
    }

    public void zero() {
        for (double[] g : grads.values()) {
            Arrays.fill(g, 0);
        }
    }

    /** Multiplies every gradient by {@code s} (e.g. 1/batch, or a clipping factor). */
    public void scale(double s) {
        for (double[] g : grads.values()) {
            for (int i = 0; i < g.length; i++) {
                g[i] *= s;
            }
        }
    }

    /** The L2 norm over all gradients together. */
    public double globalNorm() {
        double ss = 0;
        for (double[] g : grads.values()) {
            for (double v : g) {
                ss += v * v;
            }
        }
        return Math.sqrt(ss);
    }
}
