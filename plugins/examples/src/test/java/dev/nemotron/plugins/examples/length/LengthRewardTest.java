package dev.nemotron.plugins.examples.length;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.reward.Reward;
import dev.nemotron.api.reward.RewardInput;
import dev.nemotron.api.reward.Rewards;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LengthRewardTest {
    private static double score(Reward r, String completion) {
        return r.score(RewardInput.of("q", completion, ""));
    }

    @Test
    void foundThroughServiceLoaderByNameAsGrpoSelectsIt() {
        Reward r = Rewards.create("length", Map.of("target_words", "2"), getClass().getClassLoader());
        assertThat(score(r, "<think>a b c d e f</think> one two")).isEqualTo(1.0);
    }

    @Test
    void fallsLinearlyFromTheTargetToTwiceIt() {
        Reward r = new LengthRewardProvider().create(Map.of("target_words", "4"));
        assertThat(score(r, "a b c d")).isEqualTo(1.0);
        assertThat(score(r, "a b c d e")).isEqualTo(0.75);
        assertThat(score(r, "a b c d e f")).isEqualTo(0.5);
        assertThat(score(r, "a b c d e f g h")).isEqualTo(0.0);
        assertThat(score(r, "a b c d e f g h i j")).isEqualTo(0.0);
        assertThat(score(r, "<think>never closed")).isEqualTo(0.0);
        assertThat(score(r, "<think>x</think>   ")).isEqualTo(0.0);
    }

    @Test
    void badOptionsNameTheRewardAndTheOption() {
        assertThatThrownBy(() -> new LengthRewardProvider().create(Map.of("target_words", "0"))).isInstanceOf(NemotronException.class)
                .hasMessage("reward 'length': option target_words: must be in [1, 100000], got 0");
        assertThatThrownBy(() -> new LengthRewardProvider().create(Map.of("target", "3")))
                .hasMessageStartingWith("reward 'length': unknown option(s) target");
    }
}
