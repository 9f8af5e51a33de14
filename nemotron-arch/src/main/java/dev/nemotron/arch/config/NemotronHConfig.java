package dev.nemotron.arch.config;

import dev.nemotron.api.layer.ModelConfigView;
import dev.nemotron.api.tensor.DType;
import java.util.Objects;

/**
 * A parsed and validated Nemotron-H {@code config.json}: the fields the model graph reads
 * directly, plus the raw view layer factories read their own fields from.
 *
 * @param pattern    one symbol per layer, whichever spelling the file used
 *                   ({@code hybrid_override_pattern} or {@code layers_block_type})
 * @param dtype      the model's dtype ({@code torch_dtype} / {@code dtype}); F32 when absent
 * @param view       every field, for layer factories
 */
public record NemotronHConfig(int vocabSize, int hiddenSize, String pattern, double normEpsilon,
                              boolean tieWordEmbeddings, DType dtype, ModelConfigView view) {
    public NemotronHConfig {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(view, "view");
    }

    public int numLayers() {
        return pattern.length();
    }

    public char symbol(int layer) {
        return pattern.charAt(layer);
    }

    /** Where the config was read from, for messages. */
    public String source() {
        return view.source();
    }
}
