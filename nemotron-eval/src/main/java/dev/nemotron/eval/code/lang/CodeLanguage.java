package dev.nemotron.eval.code.lang;

import dev.nemotron.api.NemotronException;
import java.util.Locale;

/** A language the code sandbox can run. */
public enum CodeLanguage {
    PYTHON,
    JAVA;

    /** The language named {@code name} ({@code "python"}, {@code "Java"}, ...). */
    public static CodeLanguage parse(String name) {
        try {
            return valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new NemotronException("unknown code language '" + name + "' (expected python or java)");
        }
    }

    /** The lower-case name. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
