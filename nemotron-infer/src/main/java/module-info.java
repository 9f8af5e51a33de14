/**
 * Inference: the Hugging Face {@code tokenizer.json} tokenizer ({@link dev.nemotron.infer.tokenizer.Tokenizer});
 * chat template, caches, generation engine and server arrive with the inference issue.
 */
module dev.nemotron.infer {
    requires transitive dev.nemotron.arch;
    requires com.fasterxml.jackson.databind;

    exports dev.nemotron.infer.tokenizer;
}
