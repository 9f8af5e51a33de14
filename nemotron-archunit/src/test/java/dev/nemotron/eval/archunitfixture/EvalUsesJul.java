package dev.nemotron.eval.archunitfixture;

import java.util.logging.Logger;

/** Violates onlyCliChoosesLoggingImplementation: library code uses java.util.logging. */
public final class EvalUsesJul {
    private static final Logger LOG = Logger.getLogger(EvalUsesJul.class.getName());

    public void report(String result) {
        LOG.info(result);
    }
}
