package dev.nemotron.train.data;

import java.util.List;
import java.util.Objects;

/**
 * A phase curriculum: each phase uses its own blend until its end point, a fraction of the total
 * training tokens (the paper's three phases: e.g. ends at 0.6, 0.9 and 1.0). The last phase also
 * covers anything past {@code totalTokens}. A sequence belongs to the phase in which its first
 * target token falls: sequence {@code s} of length {@code L} starts at token {@code s * L}.
 *
 * @param totalTokens the planned training tokens (steps x batch x sequence length)
 * @param phases      phases in order, with strictly increasing end fractions in (0, 1]
 */
public record Curriculum(long totalTokens, List<Phase> phases) {
    /** One phase: a blend used until {@code end} x total tokens. */
    public record Phase(Blend blend, double end) {
        public Phase {
            Objects.requireNonNull(blend, "blend");
        }
    }

    public Curriculum {
        if (phases == null || phases.isEmpty()) {
            throw new IllegalArgumentException("a curriculum needs at least one phase");
        }
        if (totalTokens < 1) {
            throw new IllegalArgumentException("totalTokens must be positive, got " + totalTokens);
        }
        double prev = 0;
        for (Phase p : phases) {
            if (!(p.end() > prev) || p.end() > 1) {
                throw new IllegalArgumentException("phase end points must increase strictly within (0, 1], got " + p.end() + " after " + prev);
            }
            prev = p.end();
        }
        phases = List.copyOf(phases);
    }

    /** One blend for the whole run. */
    public static Curriculum single(Blend blend) {
        return new Curriculum(Long.MAX_VALUE, List.of(new Phase(blend, 1.0)));
    }

    /** The first token index of phase {@code i + 1}: {@code round(end_i x totalTokens)}. */
    public long boundary(int i) {
        return Math.round(phases.get(i).end() * (double) totalTokens);
    }

    /** The phase index of the token at {@code tokenIndex} (0-based) of the run. */
    public int phaseAt(long tokenIndex) {
        for (int i = 0; i < phases.size() - 1; i++) {
            if (tokenIndex < boundary(i)) {
                return i;
            }
        }
        return phases.size() - 1;
    }
}
