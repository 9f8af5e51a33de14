package dev.nemotron.pipeline;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.pipeline.Stage;
import dev.nemotron.api.pipeline.StageProvider;
import dev.nemotron.api.pipeline.StageSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/**
 * Calls into a stage plugin's code, turning what it throws into errors that name the stage: a
 * {@link NemotronException} or an I/O error stays a user-facing error ({@code stage 'x' failed:
 * ...}, exit code 2), anything else becomes an internal error of the stage (exit code 1).
 */
final class StageCalls {
    private StageCalls() {
    }

    /** The provider's stage for {@code s}; its complaints name the stage. */
    static Stage create(StageProvider provider, StageSpec s) {
        Stage stage;
        try {
            stage = provider.create(s);
        } catch (NemotronException e) {
            throw e.getMessage().startsWith("stage '" + s.name() + "'") ? e
                    : new NemotronException("stage '" + s.name() + "': " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new NemotronException("stage '" + s.name() + "': " + e.getMessage(), e);
        }
        if (stage == null) {
            throw new IllegalStateException("stage '" + s.name() + "': " + provider.getClass().getName() + ".create returned null");
        }
        return stage;
    }

    /** A stage's exception as an error that names the stage. */
    static RuntimeException failure(StageSpec s, Exception e) {
        String prefix = "stage '" + s.name() + "' failed: ";
        Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
        return switch (t) {
            case NemotronException ne -> ne.getMessage().startsWith("stage '" + s.name() + "'")
                    ? new NemotronException(ne.getMessage(), ne) : new NemotronException(prefix + ne.getMessage(), ne);
            case NoSuchFileException nsf -> new NemotronException(prefix + nsf.getFile() + ": no such file or directory", nsf);
            case AccessDeniedException ade -> new NemotronException(prefix + ade.getFile() + ": permission denied", ade);
            case IOException io -> new NemotronException(prefix + "I/O error: " + io.getMessage(), io);
            case InterruptedException ie -> {
                Thread.currentThread().interrupt();
                yield new NemotronException("stage '" + s.name() + "' was interrupted", ie);
            }
            default -> new IllegalStateException("stage '" + s.name() + "' (" + s.type() + ") failed with an internal error: " + t, t);
        };
    }
}
