package dev.nemotron.api.pipeline;

/**
 * One configured step of a pipeline, made by {@link StageProvider#create} from a spec entry.
 */
@FunctionalInterface
public interface Stage {
    /**
     * Does the stage's work in {@link StageContext#workDir()} and says what it produced.
     *
     * <p>A stage that produces a model writes it in a directory under its work directory
     * (conventionally {@code workDir().resolve("model")}, in HF layout) and returns it with
     * {@link StageResult#withModel}; the next stage gets it as its input model. A stage that
     * produces none (generation, evaluation, a dataset) returns {@link StageResult#of}, and the
     * next stage gets this stage's input model.
     *
     * @throws dev.nemotron.api.NemotronException for a problem with the user's input (a missing
     *     file, a model without a tokenizer), with a one-line message; the runner adds the stage's
     *     name
     * @throws Exception anything else: an I/O error, or a bug. The stage is then not complete and
     *     runs again on the next run of the pipeline.
     */
    StageResult run(StageContext context) throws Exception;
}
