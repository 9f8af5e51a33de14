/**
 * The pipeline runner: reads a pipeline spec (YAML or JSON), resolves references between stages,
 * runs the stages in order with resume and retries, and writes the run report. It knows stages
 * only through {@link dev.nemotron.api.pipeline.StageProvider} (found with ServiceLoader), so
 * any module's stages run through it without the CLI.
 */
module dev.nemotron.pipeline {
    requires transitive dev.nemotron.api;
    requires transitive com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires org.yaml.snakeyaml;
    requires org.apache.logging.log4j;

    exports dev.nemotron.pipeline;

    uses dev.nemotron.api.pipeline.StageProvider;
}
