package dev.nemotron.api.layer;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Kernels;
import dev.nemotron.api.layer.dims.LayerDims;
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
 *
 * <p>The factory owns every fact of its layer type, and it is the only code that reads the layer's
 * fields from {@code config.json}: {@link #dims} parses them once into a public record (the
 * built-in ones are in {@link dev.nemotron.api.layer.dims}), and the engine, the trainer, the
 * estimator, device backends and pruning all work from that record, {@link #parameters} and
 * {@link #cacheFootprint}. The trainable form is the companion
 * {@link dev.nemotron.api.layer.train.TrainableMixerFactory} (which this factory may implement
 * itself); {@link #resize} yields a narrower layer for pruning.
 */
public interface MixerFactory {
    /** The pattern symbol, e.g. {@code 'M'} for Mamba-2, {@code '*'} attention, {@code '-'} MLP. */
    char symbol();

    /** The names this layer type has in {@code layers_block_type}, e.g. {@code "mamba"}. */
    Set<String> blockTypeNames();

    /** A readable name, e.g. {@code "Mamba-2"}. */
    String displayName();

    /**
     * The layer's sizes, read from the config fields this layer type owns: the one parse of them.
     *
     * @throws dev.nemotron.api.NemotronException naming the field at fault (missing, mistyped,
     *         out of range)
     */
    LayerDims dims(LayerContext layer);

    /**
     * Checks the config fields this layer type reads; by default, by reading {@link #dims}.
     *
     * @throws dev.nemotron.api.NemotronException naming the field at fault
     */
    default void validate(LayerContext layer) {
        dims(layer);
    }

    /** The parameters this layer expects, with their shapes (from the config alone). */
    List<ParameterSpec> parameters(LayerContext layer);

    /** The inference state this layer keeps for {@code batch} sequences of {@code context} tokens. */
    CacheFootprint cacheFootprint(LayerContext layer, long context, int batch, DType modelDtype);

    /**
     * Binds the layer to its weights (already checked against {@link #parameters}) and the kernels
     * of a backend ({@link dev.nemotron.api.backend.Backend#kernels()}).
     */
    Mixer create(LayerContext layer, WeightSource weights, Kernels kernels);

    /**
     * As {@link #create(LayerContext, WeightSource, Kernels)}, keeping the layer's growing
     * inference cache (an attention KV cache) in {@code cacheType}: {@code F32}, or {@code BF16}
     * for half the memory. Layers without such a cache ignore it (the default).
     */
    default Mixer create(LayerContext layer, WeightSource weights, Kernels kernels, DType cacheType) {
        return create(layer, weights, kernels);
    }

    /**
     * The narrower layer that keeps {@code keep}'s hidden channels and units: its sizes, its config
     * fields, and which rows and columns of each parameter it keeps (pruning). The default: this
     * layer type cannot be resized.
     *
     * @throws dev.nemotron.api.NemotronException when the layer cannot be resized as asked (an index
     *         out of range, an uneven number of heads per group, ...)
     */
    default ResizedLayer resize(LayerContext layer, LayerResize keep) {
        throw new NemotronException("layer " + layer.index() + " ('" + layer.symbol() + "', " + displayName()
                + ") cannot be resized: its layer type offers no resize");
    }
}
