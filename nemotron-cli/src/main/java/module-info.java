/**
 * The {@code nemotron} command. The only module that chooses a logging implementation (Log4j2
 * core, configured to write to stderr so that stdout carries results alone).
 */
module dev.nemotron.cli {
    requires dev.nemotron.arch;
    requires dev.nemotron.infer;
    requires dev.nemotron.train;
    requires dev.nemotron.eval;
    requires dev.nemotron.pipeline;
    requires dev.nemotron.align;
    requires dev.nemotron.compress;
    requires info.picocli;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires org.yaml.snakeyaml;
    requires org.apache.logging.log4j;

    opens dev.nemotron.cli to info.picocli;
    opens dev.nemotron.cli.command to info.picocli;

    uses dev.nemotron.api.backend.BackendProvider;
    uses dev.nemotron.api.layer.MixerFactory;
    uses dev.nemotron.api.pipeline.StageProvider;
    uses dev.nemotron.api.reward.RewardProvider;
    uses dev.nemotron.api.export.ExporterProvider;
}
