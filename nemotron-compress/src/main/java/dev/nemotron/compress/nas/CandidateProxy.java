package dev.nemotron.compress.nas;

/** The cheap score that ranks feasible candidates. */
public interface CandidateProxy {
    /** A short name for the JSON ("parameters", "logit_mse"). */
    String name();

    /** One sentence for the output: what the score is. */
    String description();

    /** Whether a lower score is better (logit MSE) or a higher one (parameter count). */
    boolean lowerIsBetter();

    double score(Candidate candidate);

    /**
     * How many feasible candidates, largest first, are worth scoring (a costly proxy scores the
     * largest few; the rest keep the parameter-count order after them). Default: all.
     */
    default int maxScored() {
        return Integer.MAX_VALUE;
    }

    /** Without a model to measure: more parameters kept, more capacity (the fallback, stated as such). */
    static CandidateProxy parameterCount() {
        return new CandidateProxy() {
            @Override
            public String name() {
                return "parameters";
            }

            @Override
            public String description() {
                return "parameter count (more is better): no model weights were given, so no logit MSE after pruning";
            }

            @Override
            public boolean lowerIsBetter() {
                return false;
            }

            @Override
            public double score(Candidate c) {
                return c.parameters();
            }
        };
    }
}
