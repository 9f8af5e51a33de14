package dev.nemotron.api.layer.dims;

/**
 * The public sizes of one layer, as its {@link dev.nemotron.api.layer.MixerFactory} read them from
 * {@code config.json} ({@link dev.nemotron.api.layer.MixerFactory#dims}): the one parse of the
 * layer's fields that every consumer (engine, trainer, estimator, device backends, pruning) uses.
 *
 * <p>The built-in layer types have the records of this package ({@link Mamba2Dims},
 * {@link AttentionDims}, {@link MlpDims}); a plugin layer returns a record of its own. A consumer
 * that only knows some types (a device backend) switches over the records it knows and names the
 * layer it cannot run.
 */
public interface LayerDims {
    /** {@code hidden_size}: the width of the residual stream the layer reads and writes. */
    int hidden();
}
