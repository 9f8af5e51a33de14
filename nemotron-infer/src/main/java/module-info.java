/**
 * Inference: the Hugging Face {@code tokenizer.json} tokenizer
 * ({@link dev.nemotron.infer.tokenizer.Tokenizer}), chat templates, sampling and the thinking
 * budget, the generation engine (caches, continuous batching, admission control) and the
 * OpenAI-compatible HTTP server ({@link dev.nemotron.infer.server.OpenAiServer}).
 */
module dev.nemotron.infer {
    requires transitive dev.nemotron.arch;
    requires transitive com.fasterxml.jackson.databind;
    requires org.apache.logging.log4j;
    requires jdk.httpserver;

    exports dev.nemotron.infer.chat;
    exports dev.nemotron.infer.engine;
    exports dev.nemotron.infer.sampling;
    exports dev.nemotron.infer.server;
    exports dev.nemotron.infer.thinking;
    exports dev.nemotron.infer.tokenizer;
}
