package dev.nemotron.api.distributed;

import dev.nemotron.api.NemotronException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * How a rank finds its group: its rank, the group's size, a rendezvous file (rank 0 writes the
 * loopback port it listens on there; the others wait for it) and the longest wait for a peer.
 * A launcher ({@code nemotron pretrain --ranks N}) gives each child these in its environment:
 * <pre>
 * NEMOTRON_RANK          r, 0 .. N-1
 * NEMOTRON_WORLD_SIZE    N
 * NEMOTRON_RENDEZVOUS    a file path in a directory fresh for this job
 * NEMOTRON_DP_TIMEOUT_S  seconds to wait for a peer (default 600)
 * </pre>
 */
public record Rendezvous(int rank, int size, Path file, Duration timeout) {
    public static final String RANK = "NEMOTRON_RANK";
    public static final String WORLD_SIZE = "NEMOTRON_WORLD_SIZE";
    public static final String FILE = "NEMOTRON_RENDEZVOUS";
    public static final String TIMEOUT = "NEMOTRON_DP_TIMEOUT_S";
    /** The most ranks a host group takes (one host's cores or GPUs). */
    public static final int MAX_SIZE = 1024;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(600);

    public Rendezvous {
        if (size < 1 || size > MAX_SIZE) {
            throw new NemotronException("a group has 1 to " + MAX_SIZE + " ranks, got " + size);
        }
        if (rank < 0 || rank >= size) {
            throw new NemotronException("rank must be in 0.." + (size - 1) + ", got " + rank);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new NemotronException("the rendezvous timeout must be positive, got " + timeout);
        }
    }

    /** The rendezvous the environment describes; empty when {@value #RANK} is not set (not a rank of a launched job). */
    public static Optional<Rendezvous> fromEnvironment(Map<String, String> env) {
        String rank = env.get(RANK);
        if (rank == null) {
            return Optional.empty();
        }
        int size = intOf(env, WORLD_SIZE, null);
        String file = env.get(FILE);
        if (file == null || file.isBlank()) {
            throw new NemotronException(RANK + " is set but " + FILE + " is not: start the ranks with `nemotron pretrain --ranks N`");
        }
        int seconds = intOf(env, TIMEOUT, (int) DEFAULT_TIMEOUT.toSeconds());
        return Optional.of(new Rendezvous(intOf(env, RANK, null), size, Path.of(file), Duration.ofSeconds(seconds)));
    }

    private static int intOf(Map<String, String> env, String key, Integer fallback) {
        String v = env.get(key);
        if (v == null && fallback != null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v == null ? "" : v.strip());
        } catch (NumberFormatException e) {
            throw new NemotronException(key + " must be a whole number, got '" + v + "': start the ranks with `nemotron pretrain --ranks N`");
        }
    }
}
