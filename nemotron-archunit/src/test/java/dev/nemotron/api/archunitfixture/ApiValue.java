package dev.nemotron.api.archunitfixture;

import java.util.List;
import java.util.Objects;

/** Fixture: an API value type that uses the JDK only (records, arrays, primitives, collections). */
public record ApiValue(String name, int[] shape, List<String> tags) {
    public ApiValue {
        Objects.requireNonNull(name, "name");
        tags = List.copyOf(tags);
    }

    public long elements() {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
