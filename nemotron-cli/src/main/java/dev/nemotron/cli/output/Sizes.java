package dev.nemotron.cli.output;

import java.util.Locale;

/** Human-readable byte counts. */
public final class Sizes {
    private Sizes() {
    }

    /** {@code 2147483648 -> "2.00 GiB (2,147,483,648 B)"}; small values in bytes alone. */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.2f %s", v, units[u]);
    }
}
