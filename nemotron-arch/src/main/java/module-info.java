/**
 * The architecture of Nemotron-H hybrid models: HF {@code config.json} parsing and validation,
 * safetensors reading and writing, the built-in mixers (Mamba-2, attention, MLP), the layer
 * graph assembled through {@link dev.nemotron.api.layer.MixerFactory} lookups, the forward pass,
 * and the parameter and memory estimator.
 */
module dev.nemotron.arch {
    requires transitive dev.nemotron.api;
    requires com.fasterxml.jackson.databind;
    requires org.apache.logging.log4j;

    exports dev.nemotron.arch.safetensors;
}
