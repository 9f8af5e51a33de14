/**
 * Inference: sampling and the thinking budget, the generation engine (caches, continuous batching, admission control), the
 * OpenAI-compatible HTTP server ({@link dev.nemotron.infer.server.OpenAiServer}), the
 * throughput benchmark, and the {@code generate} pipeline stage.
 */
module dev.nemotron.infer {
    requires transitive dev.nemotron.arch;
    requires transitive dev.nemotron.text;
    requires transitive com.fasterxml.jackson.databind;
    requires org.apache.logging.log4j;
    requires java.management;
    requires org.eclipse.jetty.server;

    exports dev.nemotron.infer.bench;
    exports dev.nemotron.infer.engine;
    exports dev.nemotron.infer.sampling;
    exports dev.nemotron.infer.server;
    exports dev.nemotron.infer.server.http;
    exports dev.nemotron.infer.thinking;

    provides dev.nemotron.api.pipeline.StageProvider with dev.nemotron.infer.stage.GenerateStageProvider;
}
