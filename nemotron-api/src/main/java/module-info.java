/**
 * The Nemotron SDK's service provider interfaces and the value types they exchange.
 *
 * <p>This module depends on the JDK and Jackson alone, so a third-party plugin (a backend, a mixer
 * layer) can be written against it without pulling in the rest of the SDK. It also holds the small
 * plumbing every module shares: the typed option reader ({@link dev.nemotron.api.options.Options},
 * with "did you mean" for unknown keys), the Jackson set-up ({@link dev.nemotron.api.json.JsonMappers}),
 * atomic file writes ({@link dev.nemotron.api.io.AtomicFiles}) and plugin discovery that survives a
 * failing provider ({@link dev.nemotron.api.plugin.Plugins}). Implementations are found
 * with {@link java.util.ServiceLoader}:
 * <ul>
 *   <li>{@link dev.nemotron.api.backend.BackendProvider}: an execution engine with up to three
 *       facets: tensor kernels (matmul, norms, causal conv, Mamba-2 scans, attention,
 *       activations), whole-model execution of a model artifact, training execution;</li>
 *   <li>{@link dev.nemotron.api.layer.MixerFactory}: the layer built for one symbol of the hybrid
 *       pattern ({@code M} Mamba-2, {@code *} attention, {@code -} MLP, ...);</li>
 *   <li>{@link dev.nemotron.api.optim.OptimizerProvider}: an optimizer (AdamW, or a plugin's),
 *       stepping named float64 parameters; {@link dev.nemotron.api.optim.LrSchedule} gives the
 *       learning rate of each step;</li>
 *   <li>{@link dev.nemotron.api.pipeline.StageProvider}: one stage type of the unified pipeline
 *       ({@code pretrain}, {@code generate}, ...), run by the pipeline runner in spec order;</li>
 *   <li>{@link dev.nemotron.api.reward.RewardProvider}: a reward scoring a completion against a
 *       reference answer (math answer equivalence, ...), for GRPO and evaluation;</li>
 *   <li>{@link dev.nemotron.api.export.ExporterProvider}: an export format ({@code onnx},
 *       {@code gguf}) behind {@code nemotron export FORMAT}.</li>
 * </ul>
 */
module dev.nemotron.api {
    requires transitive com.fasterxml.jackson.databind;

    exports dev.nemotron.api;
    exports dev.nemotron.api.tensor;
    exports dev.nemotron.api.backend;
    exports dev.nemotron.api.io;
    exports dev.nemotron.api.layer;
    exports dev.nemotron.api.layer.dims;
    exports dev.nemotron.api.layer.train;
    exports dev.nemotron.api.optim;
    exports dev.nemotron.api.pipeline;
    exports dev.nemotron.api.reward;
    exports dev.nemotron.api.options;
    exports dev.nemotron.api.json;
    exports dev.nemotron.api.plugin;
    exports dev.nemotron.api.export;
    exports dev.nemotron.api.distributed;

    uses dev.nemotron.api.backend.BackendProvider;
    uses dev.nemotron.api.layer.MixerFactory;
    uses dev.nemotron.api.layer.train.TrainableMixerFactory;
    uses dev.nemotron.api.optim.OptimizerProvider;
    uses dev.nemotron.api.pipeline.StageProvider;
    uses dev.nemotron.api.reward.RewardProvider;
    uses dev.nemotron.api.export.ExporterProvider;
}
