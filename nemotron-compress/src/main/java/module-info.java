/**
 * Compression: architecture search under a memory budget (NAS), logit distillation from a frozen
 * teacher, and their {@code nas} and {@code distill} pipeline stages.
 */
module dev.nemotron.compress {
    requires transitive dev.nemotron.train;
    requires com.fasterxml.jackson.databind;
    requires org.apache.logging.log4j;

    exports dev.nemotron.compress.nas;
    exports dev.nemotron.compress.distill;

    provides dev.nemotron.api.pipeline.StageProvider with dev.nemotron.compress.stage.NasStageProvider,
            dev.nemotron.compress.stage.DistillStageProvider;
}
