package dev.nemotron.cli.eval;

import java.nio.file.Path;

/** Where an evaluation writes when no {@code --out} is given: {@code runs/eval/MODEL}, stable so that a rerun resumes. */
public final class OutDirs {
    private OutDirs() {
    }

    public static Path forModel(String modelId) {
        return Path.of("runs", "eval", modelId.replaceAll("[^A-Za-z0-9._-]", "_"));
    }
}
