package dev.nemotron.arch.safetensors;

import dev.nemotron.api.NemotronException;
import java.nio.file.Path;

/**
 * A safetensors file, a sharded checkpoint index or a checkpoint directory that cannot be read
 * or written.
 *
 * <p>The message is one line that names the file and the problem, for example
 * {@code model.safetensors: tensor 'lm_head.weight' data [100, 2148) extends past the end of the
 * data section (2048 bytes)}.
 */
public class SafetensorsException extends NemotronException {
    private static final long serialVersionUID = 1L;

    /** An error with a complete one-line message. */
    public SafetensorsException(String message) {
        super(oneLine(message));
    }

    /** An error with a complete one-line message and its cause. */
    public SafetensorsException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** An error about {@code file}: the message is {@code "<file name>: <problem>"}. */
    public static SafetensorsException of(Path file, String problem) {
        return new SafetensorsException(label(file) + ": " + problem);
    }

    /** As {@link #of(Path, String)}, keeping the cause. */
    public static SafetensorsException of(Path file, String problem, Throwable cause) {
        return new SafetensorsException(label(file) + ": " + problem, cause);
    }

    /** The name under which messages refer to {@code file}: its last path element. */
    static String label(Path file) {
        Path name = file.getFileName();
        return name == null ? file.toString() : name.toString();
    }

}
