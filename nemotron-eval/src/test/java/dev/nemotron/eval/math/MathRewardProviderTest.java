package dev.nemotron.eval.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.reward.Reward;
import dev.nemotron.api.reward.RewardInput;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MathRewardProviderTest {
    private final MathRewardProvider provider = new MathRewardProvider();

    @Test
    void describesItself() {
        assertThat(provider.name()).isEqualTo("math");
        assertThat(provider.description()).contains("1.0");
        assertThat(provider.options()).extracting(dev.nemotron.api.reward.RewardOption::name).containsExactly("tolerance", "percent_as_fraction");
        // the listed defaults are the ones used
        assertThat(Double.parseDouble(provider.options().get(0).defaultValue())).isEqualTo(MathVerifyOptions.DEFAULTS.relativeTolerance());
        assertThat(Boolean.parseBoolean(provider.options().get(1).defaultValue())).isEqualTo(MathVerifyOptions.DEFAULTS.percentAsFraction());
        assertThat(provider.availability().available()).isTrue();
    }

    @Test
    void scoresOneForAnEquivalentFinalAnswerElseZero() {
        Reward r = provider.create(Map.of());
        assertThat(r.name()).isEqualTo("math");
        assertThat(r.score(RewardInput.of("What is 1/2?", "<think>1/3? no.</think>It is $\\boxed{0.5}$.", "\\frac{1}{2}")))
                .isEqualTo(1.0);
        assertThat(r.score(RewardInput.of("q", "The answer is 7,425,000.", "7425000"))).isEqualTo(1.0);
        assertThat(r.score(RewardInput.of("q", "#### 71", "72"))).isEqualTo(0.0);
        assertThat(r.score(RewardInput.of("q", "AZYUK2A", "2"))).isEqualTo(0.0);
        assertThat(r.score(RewardInput.of("q", "<think>the answer is 2", "2"))).isEqualTo(0.0);
        assertThat(r.score(RewardInput.of("q", "", "2"))).isEqualTo(0.0);
        assertThat(r.score(RewardInput.of("q", "\\boxed{2}", ""))).isEqualTo(0.0);
    }

    @Test
    void optionsChangeTheRules() {
        RewardInput third = RewardInput.of("q", "\\boxed{0.333}", "1/3");
        assertThat(provider.create(Map.of()).score(third)).isEqualTo(0.0);
        assertThat(provider.create(Map.of("tolerance", "0.01")).score(third)).isEqualTo(1.0);
        RewardInput percent = RewardInput.of("q", "\\boxed{0.28}", "28\\%");
        assertThat(provider.create(Map.of()).score(percent)).isEqualTo(1.0);
        assertThat(provider.create(Map.of("percent_as_fraction", "false")).score(percent)).isEqualTo(0.0);
    }

    @Test
    void badOptionsNameTheOption() {
        assertThatThrownBy(() -> provider.create(Map.of("tolerence", "0.1"))).isInstanceOf(NemotronException.class)
                .hasMessage("reward 'math': unknown option(s) tolerence (known: percent_as_fraction, tolerance); did you mean 'tolerance'?");
        assertThatThrownBy(() -> provider.create(Map.of("tolerance", "2"))).isInstanceOf(NemotronException.class)
                .hasMessage("reward 'math': option tolerance: must be in [0, 1), got 2.0");
        assertThatThrownBy(() -> provider.create(Map.of("percent_as_fraction", "maybe")))
                .hasMessageContaining("option percent_as_fraction: expected true or false");
    }
}
