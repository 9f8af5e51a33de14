package dev.nemotron.infer.engine;

import java.util.concurrent.CompletableFuture;

/** A submitted generation: its result to come, and a way to stop it. */
public interface GenerationHandle {
    /** Stops the generation between two steps; its result then says {@link FinishReason#CANCELLED}. */
    void cancel();

    CompletableFuture<GenerationResult> result();
}
