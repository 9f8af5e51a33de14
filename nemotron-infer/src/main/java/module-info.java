/**
 * Inference: tokenizer, chat templates, sampling and the thinking budget, and the generation
 * engine (caches, continuous batching, admission control).
 */
module dev.nemotron.infer {
    requires transitive dev.nemotron.arch;
    requires org.apache.logging.log4j;

    exports dev.nemotron.infer.engine;
}
