/** Inference: tokenizer, chat template, caches, generation engine, server (arrives with the inference issue). */
module dev.nemotron.infer {
    requires transitive dev.nemotron.arch;
    requires transitive com.fasterxml.jackson.databind;

    exports dev.nemotron.infer.chat;
}
