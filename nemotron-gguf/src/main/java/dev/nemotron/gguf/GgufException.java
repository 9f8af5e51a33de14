package dev.nemotron.gguf;

import dev.nemotron.api.NemotronException;

/** A GGUF file that cannot be read or a model that cannot be written as GGUF; the message is one line naming the problem. */
public final class GgufException extends NemotronException {
    public GgufException(String message) {
        super(message);
    }

    public GgufException(String message, Throwable cause) {
        super(message, cause);
    }
}
