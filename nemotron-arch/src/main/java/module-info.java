/**
 * The architecture of Nemotron-H hybrid models: HF {@code config.json} parsing and validation,
 * safetensors reading and writing, the built-in mixers (Mamba-2, attention, MLP), the layer
 * graph assembled through {@link dev.nemotron.api.layer.MixerFactory} lookups, the forward pass,
 * and the parameter and memory estimator (plus the heap meter for measured runs).
 */
module dev.nemotron.arch {
    requires transitive dev.nemotron.api;
    requires com.fasterxml.jackson.databind;
    requires org.apache.logging.log4j;
    requires jdk.management;

    exports dev.nemotron.arch.config;
    exports dev.nemotron.arch.safetensors;
    exports dev.nemotron.arch.model;
    exports dev.nemotron.arch.estimate;
    exports dev.nemotron.arch.backend;
    exports dev.nemotron.arch.layer;
    exports dev.nemotron.arch.init;
    exports dev.nemotron.arch.fp8;

    uses dev.nemotron.api.backend.BackendProvider;
    uses dev.nemotron.api.layer.MixerFactory;
    uses dev.nemotron.arch.config.ModelFileFormat;

    provides dev.nemotron.api.layer.MixerFactory with
            dev.nemotron.arch.layer.mamba.Mamba2MixerFactory,
            dev.nemotron.arch.layer.attention.AttentionMixerFactory,
            dev.nemotron.arch.layer.mlp.MlpMixerFactory;
}
