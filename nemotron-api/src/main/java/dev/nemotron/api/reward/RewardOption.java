package dev.nemotron.api.reward;

import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One option a {@link RewardProvider} accepts, for listings ({@code nemotron eval rewards}) and
 * for {@link RewardOptions#requireOnly}.
 *
 * @param name         the option's key, e.g. {@code "tolerance"}
 * @param defaultValue the value used when the option is left out, as text ({@code ""} when there is none)
 * @param description  one line: what it does and which values it takes
 */
public record RewardOption(String name, String defaultValue, String description) {
    public RewardOption {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(description, "description");
    }

    /** The names of {@code options}, for {@link RewardOptions#requireOnly}. */
    public static Set<String> names(Collection<RewardOption> options) {
        return options.stream().map(RewardOption::name).collect(Collectors.toUnmodifiableSet());
    }
}
