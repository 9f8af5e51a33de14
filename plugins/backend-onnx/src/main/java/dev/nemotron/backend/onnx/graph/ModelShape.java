package dev.nemotron.backend.onnx.graph;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.DeviceModelSpec;
import dev.nemotron.api.layer.dims.AttentionDims;
import dev.nemotron.api.layer.dims.LayerDims;
import dev.nemotron.api.layer.dims.Mamba2Dims;
import dev.nemotron.api.layer.dims.MlpDims;
import java.util.List;

/**
 * What the graphs are built from: the model-level sizes of {@code config.json} and each layer's
 * sizes as its factory read them. Layer types other than Mamba-2, attention and MLP (a plugin's)
 * are refused by name: the export has no operators for them.
 */
public record ModelShape(int vocab, int hidden, float eps, boolean tied, String pattern, List<LayerDims> layers) {
    public ModelShape {
        layers = List.copyOf(layers);
    }

    public static ModelShape of(DeviceModelSpec spec) {
        var c = spec.config();
        List<LayerDims> layers = spec.layers();
        for (int i = 0; i < layers.size(); i++) {
            LayerDims d = layers.get(i);
            switch (d) {
                case Mamba2Dims m -> {
                    if (m.convKernel() < 2) {
                        throw new NemotronException(c.source() + ": layer " + i + " has conv_kernel " + m.convKernel()
                                + "; the ONNX export needs conv_kernel >= 2");
                    }
                }
                case AttentionDims a -> { }
                case MlpDims f -> { }
                default -> throw new NemotronException(c.source() + ": layer " + i + " ('" + spec.pattern().charAt(i) + "', "
                        + d.getClass().getSimpleName() + ") is a layer type the ONNX export does not express (it exports"
                        + " Mamba-2, attention and MLP layers); run this model on the java backend");
            }
        }
        return new ModelShape(c.getInt("vocab_size"), c.hiddenSize(), (float) c.normEpsilon(),
                c.getBoolean("tie_word_embeddings", false), spec.pattern(), layers);
    }

    /** A canonical one-line description (hashed into the export's config hash). */
    public String canonical() {
        StringBuilder b = new StringBuilder("nemotron-h vocab=" + vocab + " hidden=" + hidden + " eps=" + eps
                + " tied=" + tied + " pattern=" + pattern);
        for (LayerDims d : layers) {
            b.append(' ').append(d);
        }
        return b.toString();
    }
}
