package dev.nemotron.pipeline;

import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of {@link PipelineRunner#run}.
 *
 * @param spec   the spec that ran
 * @param dryRun whether nothing actually ran
 * @param stages one report per stage, in order
 * @param model  the pipeline's final model (the last output model, or the spec's model), or null;
 *               in a dry run, as far as known
 */
public record PipelineReport(PipelineSpec spec, boolean dryRun, List<StageReport> stages, Path model) {
    public PipelineReport {
        stages = List.copyOf(stages);
    }
}
