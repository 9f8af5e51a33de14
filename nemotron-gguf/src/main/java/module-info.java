/**
 * GGUF, the file format of llama.cpp: {@code nemotron export gguf} (an
 * {@link dev.nemotron.api.export.ExporterProvider}) writes a Nemotron-H model with the
 * {@code nemotron_h} metadata keys and tensor names of llama.cpp's own converter, the tokenizer
 * embedded; and a {@code .gguf} file of this architecture opens as a model directory
 * ({@link dev.nemotron.arch.config.ModelFileFormat}), so every command that takes
 * {@code --model} runs it. See docs/gguf.md.
 */
module dev.nemotron.gguf {
    requires transitive dev.nemotron.arch;
    requires dev.nemotron.text;
    requires com.fasterxml.jackson.databind;
    requires org.apache.logging.log4j;

    exports dev.nemotron.gguf;

    provides dev.nemotron.api.export.ExporterProvider with dev.nemotron.gguf.GgufExporter;
    provides dev.nemotron.arch.config.ModelFileFormat with dev.nemotron.gguf.GgufModelFiles;
}
