/**
 * Example plugins written the way a third party writes one: against {@code nemotron-api} alone,
 * registered with {@code provides}, found by the SDK with {@link java.util.ServiceLoader}.
 *
 * <p>{@code dev.nemotron.plugins.examples.lion}: the Lion optimizer, selected by the name
 * {@code "lion"}. {@code dev.nemotron.plugins.examples.scale}: a layer type (pattern symbol
 * {@code Z}) with its trainable form. {@code dev.nemotron.plugins.examples.length}: the
 * {@code length} reward (a shaped reward; the verifiable ones live in {@code nemotron-eval}).
 */
module dev.nemotron.plugins.examples {
    requires transitive dev.nemotron.api;

    exports dev.nemotron.plugins.examples.length;
    exports dev.nemotron.plugins.examples.lion;
    exports dev.nemotron.plugins.examples.scale;

    provides dev.nemotron.api.reward.RewardProvider with dev.nemotron.plugins.examples.length.LengthRewardProvider;
    provides dev.nemotron.api.optim.OptimizerProvider with dev.nemotron.plugins.examples.lion.LionProvider;
    provides dev.nemotron.api.layer.MixerFactory with dev.nemotron.plugins.examples.scale.ScaleMixerFactory;
    provides dev.nemotron.api.layer.train.TrainableMixerFactory with
            dev.nemotron.plugins.examples.scale.ScaleMixerFactory;
}
