package dev.nemotron.eval.reward.ifeval;

import java.util.Locale;

/** IFEval's comparisons of a count with a target: {@code "less than"} ({@code <}) and {@code "at least"} ({@code >=}). */
enum Relation {
    LESS_THAN,
    AT_LEAST;

    /** The relation written as in IFEval data, or null. */
    static Relation parse(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "less than" -> LESS_THAN;
            case "at least" -> AT_LEAST;
            default -> null;
        };
    }

    boolean holds(long actual, long target) {
        return this == LESS_THAN ? actual < target : actual >= target;
    }
}
