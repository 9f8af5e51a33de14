package dev.nemotron.pipeline;

import dev.nemotron.api.pipeline.StageContext;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/** The {@link StageContext} the runner gives a stage. */
record RunContext(String pipelineName, String stageName, Path workDir, Path baseDir, Path model, boolean resuming,
                  Consumer<String> progressSink) implements StageContext {
    @Override
    public Optional<Path> inputModel() {
        return Optional.ofNullable(model);
    }

    @Override
    public void progress(String message) {
        progressSink.accept(message);
    }
}
