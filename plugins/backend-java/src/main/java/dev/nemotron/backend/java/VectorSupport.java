package dev.nemotron.backend.java;

import jdk.incubator.vector.FloatVector;

/**
 * Whether the Vector API ({@code jdk.incubator.vector}) is resolved in this JVM. On the module
 * path it always is (this module requires it); on the class path only with
 * {@code --add-modules jdk.incubator.vector}. Only {@link #preferredBits()} touches the API, so
 * asking {@link #missing()} never fails.
 */
final class VectorSupport {
    static final String MODULE = "jdk.incubator.vector";

    private VectorSupport() {
    }

    /** Null when the Vector API is usable, otherwise why not and the fix. */
    static String missing() {
        if (ModuleLayer.boot().findModule(MODULE).isPresent()) {
            return null;
        }
        return "the Vector API module " + MODULE + " is not resolved (on the class path): add "
                + "--add-modules " + MODULE + " to the java command, or run on the module path";
    }

    /** Bits of the preferred float vector; call only when {@link #missing()} is null. */
    static int preferredBits() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }
}
