/**
 * Example plugins written the way a third party writes one: against {@code nemotron-api} alone,
 * registered with {@code provides}, found by the SDK with {@link java.util.ServiceLoader}.
 *
 * <p>{@code dev.nemotron.plugins.examples.lion}: the Lion optimizer, selected by the name
 * {@code "lion"}.
 */
module dev.nemotron.plugins.examples {
    requires transitive dev.nemotron.api;

    exports dev.nemotron.plugins.examples.lion;

    provides dev.nemotron.api.optim.OptimizerProvider with dev.nemotron.plugins.examples.lion.LionProvider;
}
