package dev.nemotron.eval.code.lang;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Fresh random completion markers. */
final class Markers {
    /** The file the harness reads the marker from (and deletes before the program runs). */
    static final String FILE = "nemotron_marker";

    private static final SecureRandom RANDOM = new SecureRandom();

    private Markers() {
    }

    static String fresh() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return "nemotron-tests-done-" + HexFormat.of().formatHex(b);
    }
}
