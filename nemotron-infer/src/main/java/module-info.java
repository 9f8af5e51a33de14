/** Inference: tokenizer, chat template, caches, generation engine, server (arrives with the inference issue). */
module dev.nemotron.infer {
    requires transitive dev.nemotron.arch;

    exports dev.nemotron.infer.sampling;
    exports dev.nemotron.infer.thinking;
}
