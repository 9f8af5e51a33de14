package dev.nemotron.eval.code.sandbox;

/** How the sandbox isolates a run on this machine (chosen by {@link CapabilityProbe}). */
public enum SandboxMode {
    /**
     * Running as root: fresh network, mount and pid namespaces, every mount read-only, a private tmpfs
     * working directory, then a switch to a random unprivileged uid ({@code setpriv}) and rlimits.
     */
    NAMESPACES_ROOT,
    /**
     * An ordinary user: the same namespaces inside a user namespace ({@code unshare --map-root-user}),
     * then a nested user namespace that drops every capability, then rlimits.
     */
    NAMESPACES_USER,
    /** No namespaces: rlimits, a private working directory, a clean environment and process-tree kill only. */
    PLAIN,
    /** Untrusted code must not run here (not Linux, or no {@code prlimit}). */
    UNAVAILABLE
}
