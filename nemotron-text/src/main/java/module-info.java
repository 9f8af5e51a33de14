/**
 * Text: the Hugging Face {@code tokenizer.json} tokenizer
 * ({@link dev.nemotron.text.tokenizer.Tokenizer}) and chat templates (the built-in Nemotron Nano 2
 * format and a Jinja interpreter for {@code tokenizer_config.json} templates). Below both
 * training and inference, so dataset tokenisation and serving share one tokenizer.
 */
module dev.nemotron.text {
    requires transitive dev.nemotron.api;
    requires transitive com.fasterxml.jackson.databind;

    exports dev.nemotron.text.chat;
    exports dev.nemotron.text.tokenizer;
}
