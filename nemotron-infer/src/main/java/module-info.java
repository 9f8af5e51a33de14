/**
 * Inference: the Hugging Face {@code tokenizer.json} tokenizer
 * ({@link dev.nemotron.infer.tokenizer.Tokenizer}), chat templates, sampling and the thinking
 * budget, and the generation engine (caches, continuous batching, admission control).
 */
module dev.nemotron.infer {
    requires transitive dev.nemotron.arch;
    requires transitive com.fasterxml.jackson.databind;
    requires org.apache.logging.log4j;

    exports dev.nemotron.infer.chat;
    exports dev.nemotron.infer.engine;
    exports dev.nemotron.infer.sampling;
    exports dev.nemotron.infer.thinking;
    exports dev.nemotron.infer.tokenizer;
}
