package dev.nemotron.infer.sampling;

import java.util.Objects;

/** Small argument checks shared by the package. */
final class Checks {
    private Checks() {
    }

    static int index(int i, int size) {
        return Objects.checkIndex(i, size);
    }

    /** Fails unless {@code 0 <= token < vocab}; a token outside the vocabulary is a bug upstream. */
    static int token(int token, int vocab) {
        if (token < 0 || token >= vocab) {
            throw new IllegalArgumentException("token id " + token + " outside the vocabulary of size " + vocab);
        }
        return token;
    }
}
