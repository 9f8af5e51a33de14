package dev.nemotron.train.autodiff;

import dev.nemotron.api.layer.train.TrainableMixer;
import dev.nemotron.train.autodiff.activation.ActivationObserver;
import dev.nemotron.train.autodiff.activation.ActivationSite;
import dev.nemotron.train.autodiff.activation.ActivationSite.Kind;
import dev.nemotron.train.autodiff.attention.TrainableAttention;
import dev.nemotron.train.autodiff.mamba.TrainableMamba2;
import dev.nemotron.train.autodiff.mlp.TrainableMlp;

/**
 * Reports one block's activations to an {@link ActivationObserver}: the normed block input, then
 * the mixer's inner activation read from its saved forward state (built-in mixers; a plugin mixer
 * reports only its normed input).
 */
final class LayerActivations {
    private LayerActivations() {
    }

    static void report(ActivationObserver observer, int layer, TrainableMixer<?> mixer, double[] normed,
                       Object saved, int rows) {
        observer.observe(new ActivationSite(layer, Kind.BLOCK_NORM, normed.length / rows, 1), normed, rows);
        if (saved instanceof TrainableMlp.Saved s) {
            double[] a = s.activation();
            observer.observe(new ActivationSite(layer, Kind.MLP_HIDDEN, a.length / rows, 1), a, rows);
        } else if (saved instanceof TrainableMamba2.Saved s && mixer instanceof TrainableMamba2 m) {
            double[] y = s.outProjInput();
            observer.observe(new ActivationSite(layer, Kind.MAMBA_OUT_PROJ_INPUT, y.length / rows,
                    m.dims().headDim()), y, rows);
        } else if (saved instanceof TrainableAttention.Saved s && mixer instanceof TrainableAttention m) {
            double[] a = s.headOutputs();
            observer.observe(new ActivationSite(layer, Kind.ATTENTION_HEADS, a.length / rows, m.headDim()), a, rows);
        }
    }

    static void reportFinalNorm(ActivationObserver observer, int layers, double[] normed, int rows) {
        observer.observe(new ActivationSite(layers, Kind.FINAL_NORM, normed.length / rows, 1), normed, rows);
    }
}
