package dev.nemotron.eval.code.sandbox;

import java.util.List;
import java.util.Optional;

/**
 * What the sandbox can enforce on this machine.
 *
 * @param mode        how runs are isolated
 * @param reason      one line: why this mode (e.g. why namespaces could not be used)
 * @param protections every protection, in force or not, with how or why not
 */
public record SandboxCapabilities(SandboxMode mode, String reason, List<Protection> protections) {
    /** Protection names, as used in {@link #protections()}. */
    public static final String WALL_CLOCK = "wall-clock timeout", TREE_KILL = "process-tree kill",
            CPU = "CPU-time limit", MEMORY = "memory limit", RUN_MEMORY = "memory limit (whole run)", PROCESSES = "process limit", OUTPUT = "output limit",
            FILE_SIZE = "file size limit", WORKDIR = "private working directory", ENVIRONMENT = "clean environment",
            NETWORK = "no network", READ_ONLY = "read-only filesystem", PRIVILEGES = "no privileges",
            PID_ISOLATION = "process isolation";

    public SandboxCapabilities {
        protections = List.copyOf(protections);
    }

    /** Whether untrusted code may run at all (rlimits are available). */
    public boolean available() {
        return mode != SandboxMode.UNAVAILABLE;
    }

    /** The protection of that name. */
    public Optional<Protection> protection(String name) {
        return protections.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** Whether the named protection is in force. */
    public boolean isActive(String name) {
        return protection(name).map(Protection::active).orElse(false);
    }

    /** A multi-line report: mode, reason, then one line per protection. */
    public String describe() {
        StringBuilder sb = new StringBuilder("sandbox mode: ").append(mode).append(" (").append(reason).append(")\n");
        for (Protection p : protections) {
            sb.append("  ").append(p).append('\n');
        }
        return sb.toString();
    }
}
