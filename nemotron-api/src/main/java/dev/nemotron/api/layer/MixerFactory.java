package dev.nemotron.api.layer;

import dev.nemotron.api.backend.Kernels;
import dev.nemotron.api.tensor.DType;
import java.util.List;
import java.util.Set;

/**
 * Builds the mixer of every layer whose pattern symbol is {@link #symbol()}; the layer SPI.
 *
 * <p>The SDK reads a model's layer types from {@code hybrid_override_pattern} (one symbol per
 * layer, e.g. {@code "M-M*-"}) or {@code layers_block_type} (names such as
 * {@code "linear_attention"}), and looks up, for each layer, the factory that claims its symbol
 * or name through {@link java.util.ServiceLoader}. A plugin adds a layer type by providing a
 * factory with a new symbol; it declares {@code provides dev.nemotron.api.layer.MixerFactory
 * with ...} in its {@code module-info.java}.
 */
public interface MixerFactory {
    /** The pattern symbol, e.g. {@code 'M'} for Mamba-2, {@code '*'} attention, {@code '-'} MLP. */
    char symbol();

    /** The names this layer type has in {@code layers_block_type}, e.g. {@code "mamba"}. */
    Set<String> blockTypeNames();

    /** A readable name, e.g. {@code "Mamba-2"}. */
    String displayName();

    /**
     * Checks the config fields this layer type reads.
     *
     * @throws dev.nemotron.api.NemotronException naming the field at fault
     */
    void validate(LayerContext layer);

    /** The parameters this layer expects, with their shapes (from the config alone). */
    List<ParameterSpec> parameters(LayerContext layer);

    /** The inference state this layer keeps for {@code batch} sequences of {@code context} tokens. */
    CacheFootprint cacheFootprint(LayerContext layer, long context, int batch, DType modelDtype);

    /**
     * Binds the layer to its weights (already checked against {@link #parameters}) and the kernels
     * of a backend ({@link dev.nemotron.api.backend.Backend#kernels()}).
     */
    Mixer create(LayerContext layer, WeightSource weights, Kernels kernels);
}
