package dev.nemotron.eval.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.reward.Reward;
import dev.nemotron.api.reward.RewardInput;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FormatRewardTest {
    private static double score(Map<String, String> options, String completion) {
        return new FormatRewardProvider().create(options).score(RewardInput.of("q", completion, ""));
    }

    @Test
    void closedReasoningThenAnAnswerScoresOne() {
        Map<String, String> think = Map.of("require_think", "true");
        assertThat(score(think, "<think>2+2</think>\n4")).isEqualTo(1.0);
        assertThat(score(think, "2+2 is 4\n</think>\n4")).as("the template opened <think>").isEqualTo(1.0);
        assertThat(score(think, "<think>2+2 is")).as("never closed").isEqualTo(0.0);
        assertThat(score(think, "4")).as("no reasoning when required").isEqualTo(0.0);
        assertThat(score(think, "<think>2+2</think>  \n ")).as("no answer").isEqualTo(0.0);
        assertThat(score(think, "<think>a</think>b<think>c</think>d")).as("two reasoning blocks").isEqualTo(0.0);
        assertThat(score(think, "</think>4<think>")).as("open after close").isEqualTo(0.0);
        assertThat(score(Map.of(), "4")).as("reasoning optional").isEqualTo(1.0);
        assertThat(score(Map.of(), "<think>x")).as("opened reasoning must close even when optional").isEqualTo(0.0);
        assertThat(score(Map.of(), "")).isEqualTo(0.0);
    }

    @Test
    void lengthIsCheckedInCharactersAndTokens() {
        assertThat(score(Map.of("max_chars", "16"), "<think></think>1")).isEqualTo(1.0);
        assertThat(score(Map.of("max_chars", "15"), "<think></think>1")).isEqualTo(0.0);
        assertThat(score(Map.of("max_tokens", "3"), "one two three")).isEqualTo(1.0);
        assertThat(score(Map.of("max_tokens", "3"), "one two three four")).isEqualTo(0.0);
        Reward r = new FormatRewardProvider().create(Map.of("max_tokens", "3"));
        assertThat(r.score(new RewardInput("q", "one two", "", Map.of(FormatRewardProvider.COMPLETION_TOKENS, "7"))))
                .as("the caller's token count wins").isEqualTo(0.0);
        assertThat(r.score(new RewardInput("q", "one two three four", "", Map.of(FormatRewardProvider.COMPLETION_TOKENS, "3"))))
                .isEqualTo(1.0);
    }

    @Test
    void badOptionsNameTheRewardAndTheOption() {
        FormatRewardProvider p = new FormatRewardProvider();
        assertThatThrownBy(() -> p.create(Map.of("max_chars", "-1"))).isInstanceOf(NemotronException.class)
                .hasMessageStartingWith("reward 'format': option max_chars: must be in [1, ");
        assertThatThrownBy(() -> p.create(Map.of("require_think", "yes")))
                .hasMessage("reward 'format': option require_think: expected true or false, got 'yes'");
        assertThatThrownBy(() -> p.create(Map.of("max_token", "5")))
                .hasMessageStartingWith("reward 'format': unknown option(s) max_token").hasMessageContaining("did you mean 'max_tokens'");
    }
}
