package dev.nemotron.infer.archunitfixture;

/** Violates onlyCliChoosesLoggingImplementation: library code prints to System.err. */
public final class InferPrintsStackTrace {
    public void fail(RuntimeException e) {
        System.err.println("failed: " + e.getMessage());
    }
}
