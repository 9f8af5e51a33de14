/**
 * Compression: Minitron-style importance estimation (layers by logit MSE when removed, hidden
 * channels, MLP neurons and Mamba-2 heads from activations), depth and width pruning to a valid
 * HF checkpoint, and checkpoint merging (linear, task arithmetic, SLERP), with their pipeline
 * stages ({@code importance}, {@code prune}, {@code merge}).
 */
module dev.nemotron.compress {
    requires transitive dev.nemotron.train;

    exports dev.nemotron.compress.checkpoint;
    exports dev.nemotron.compress.prune;
    exports dev.nemotron.compress.importance;
    exports dev.nemotron.compress.merge;

    provides dev.nemotron.api.pipeline.StageProvider with
            dev.nemotron.compress.stage.ImportanceStageProvider,
            dev.nemotron.compress.stage.PruneStageProvider,
            dev.nemotron.compress.stage.MergeStageProvider;
}
