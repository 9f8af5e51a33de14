package dev.nemotron.api.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Availability;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RewardsTest {
    /** A reward that scores the completion's length, or is unavailable. */
    record Length(boolean available) implements RewardProvider {
        @Override
        public String name() {
            return available ? "length" : "gpu_judge";
        }

        @Override
        public String description() {
            return "the completion's length";
        }

        @Override
        public Availability availability() {
            return available ? Availability.available("pure Java") : Availability.unavailable("no GPU here");
        }

        @Override
        public Reward create(Map<String, String> options) {
            new RewardOptions(name(), options).requireOnly(List.of(new RewardOption("scale", "1", "multiplier")));
            return new Reward() {
                @Override
                public String name() {
                    return "length";
                }

                @Override
                public double score(RewardInput input) {
                    return input.completion().length();
                }
            };
        }
    }

    private static final List<RewardProvider> PROVIDERS = List.of(new Length(true), new Length(false));

    @Test
    void createsTheNamedReward() {
        assertThat(Rewards.create("length", Map.of(), PROVIDERS).score(RewardInput.of("", "abc", ""))).isEqualTo(3.0);
    }

    @Test
    void unknownUnavailableAndBadOptionsAreOneClearError() {
        assertThatThrownBy(() -> Rewards.create("lenght", Map.of(), PROVIDERS)).isInstanceOf(NemotronException.class)
                .hasMessage("no reward named 'lenght' (found: gpu_judge, length); did you mean 'length'?");
        assertThatThrownBy(() -> Rewards.create("gpu_judge", Map.of(), PROVIDERS))
                .hasMessage("reward 'gpu_judge' is not available here: no GPU here");
        assertThatThrownBy(() -> Rewards.create("length", Map.of("scal", "2"), PROVIDERS))
                .hasMessageStartingWith("reward 'length': unknown option(s) scal");
    }

    @Test
    void findsNoProviderInTheApiAlone() {
        assertThatThrownBy(() -> Rewards.create("math", Map.of(), Rewards.class.getClassLoader()))
                .hasMessageStartingWith("no reward named 'math' (found: none)");
    }
}
