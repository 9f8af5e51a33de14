package dev.nemotron.pipeline;

import dev.nemotron.api.pipeline.StageSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed pipeline spec; every path absolute.
 *
 * @param name    the pipeline's name ({@code name}, or the spec file's name without extension)
 * @param file    the spec file
 * @param baseDir the directory relative paths of the spec are resolved against (the spec file's)
 * @param out     the output directory ({@code out}, or {@code --out})
 * @param model   the initial input model ({@code model}), or null
 * @param stages  the stages, in order, with unique names
 */
public record PipelineSpec(String name, Path file, Path baseDir, Path out, Path model, List<StageSpec> stages) {
    public PipelineSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(baseDir, "baseDir");
        Objects.requireNonNull(out, "out");
        stages = List.copyOf(stages);
    }

    /** The initial model, if the spec names one. */
    public Optional<Path> initialModel() {
        return Optional.ofNullable(model);
    }

    /** The stage's index in the spec (from 0), or -1. */
    public int indexOf(String stageName) {
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i).name().equals(stageName)) {
                return i;
            }
        }
        return -1;
    }

    /** The names of the stages, in order. */
    public List<String> stageNames() {
        return stages.stream().map(StageSpec::name).toList();
    }

    /** The work directory of the stage at {@code index}: {@code OUT/NN-name}, numbered from 01. */
    public Path workDir(int index) {
        return out.resolve(String.format("%02d-%s", index + 1, stages.get(index).name()));
    }
}
