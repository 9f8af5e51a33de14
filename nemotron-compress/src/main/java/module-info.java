/**
 * Compression: Minitron-style importance estimation (layers by logit MSE when removed, hidden
 * channels, MLP neurons and Mamba-2 heads from activations), depth and width pruning to a valid
 * HF checkpoint, checkpoint merging (linear, task arithmetic, SLERP), architecture search under a
 * memory budget (NAS) and logit distillation from a frozen teacher, with their pipeline stages
 * ({@code importance}, {@code prune}, {@code merge}, {@code nas}, {@code distill}).
 */
module dev.nemotron.compress {
    requires transitive dev.nemotron.train;
    requires com.fasterxml.jackson.databind;
    requires org.apache.logging.log4j;

    exports dev.nemotron.compress.checkpoint;
    exports dev.nemotron.compress.prune;
    exports dev.nemotron.compress.importance;
    exports dev.nemotron.compress.merge;
    exports dev.nemotron.compress.nas;
    exports dev.nemotron.compress.distill;
    exports dev.nemotron.compress.quantize;

    provides dev.nemotron.api.pipeline.StageProvider with
            dev.nemotron.compress.stage.ImportanceStageProvider,
            dev.nemotron.compress.stage.PruneStageProvider,
            dev.nemotron.compress.stage.MergeStageProvider,
            dev.nemotron.compress.stage.NasStageProvider,
            dev.nemotron.compress.stage.DistillStageProvider;
}
