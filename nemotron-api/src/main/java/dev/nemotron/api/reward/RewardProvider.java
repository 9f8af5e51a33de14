package dev.nemotron.api.reward;

import dev.nemotron.api.backend.Availability;
import java.util.List;
import java.util.Map;

/**
 * Service provider of a {@link Reward}, discovered with {@link java.util.ServiceLoader}.
 *
 * <p>A module declares {@code provides dev.nemotron.api.reward.RewardProvider with ...} in its
 * {@code module-info.java} (and, for the class path, a {@code META-INF/services} entry). Providers
 * must be cheap to construct and must not fail: what can go wrong on a given machine (a missing
 * interpreter for a code sandbox, a reward model that is not downloaded) is reported through
 * {@link #availability()}, and {@link #create} is only called when it says available. Users
 * (GRPO, the eval harness) select a provider by {@link #name()}.
 */
public interface RewardProvider {
    /** Short, stable, lower-case name users select the reward by, e.g. {@code "math"}. */
    String name();

    /** One line for listings, e.g. {@code "1.0 when the final answer is mathematically equal to the reference"}. */
    String description();

    /**
     * The options {@link #create} accepts, with their defaults, for listings
     * ({@code nemotron eval rewards --json}); empty when the reward takes none or does not say.
     */
    default List<RewardOption> options() {
        return List.of();
    }

    /** Whether the reward can run here, with a reason in either case; pure-Java rewards always can. */
    default Availability availability() {
        return Availability.available("pure Java");
    }

    /**
     * Creates a reward with {@code options} (string values as they come from a command line or a
     * spec; options left out take the reward's defaults).
     *
     * @throws dev.nemotron.api.NemotronException for an unknown option or an invalid value, with a
     *     message naming the reward and the option (see {@link RewardOptions})
     */
    Reward create(Map<String, String> options);
}
