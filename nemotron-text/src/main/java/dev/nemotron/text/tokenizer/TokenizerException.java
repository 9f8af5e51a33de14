package dev.nemotron.text.tokenizer;

import dev.nemotron.api.NemotronException;

/**
 * A {@code tokenizer.json} that cannot be read or used (not JSON, a missing or malformed field, an
 * unsupported component type), or a bad argument such as an unknown token id. The one-line message
 * names the file and the JSON path at fault, e.g.
 * {@code tokenizer.json: pre_tokenizer.pretokenizers[1].type: unknown pre-tokenizer type 'Foo'}.
 */
public final class TokenizerException extends NemotronException {
    private static final long serialVersionUID = 1L;

    public TokenizerException(String message) {
        super(oneLine(message));
    }

    public TokenizerException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

}
