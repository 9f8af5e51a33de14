package dev.nemotron.eval.reward.ifeval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.reward.Reward;
import dev.nemotron.api.reward.RewardInput;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IfEvalRewardTest {
    private static final String IDS = "[\"punctuation:no_comma\",\"keywords:existence\",\"length_constraints:number_words\"]";
    private static final String KWARGS = "[{}, {\"keywords\":[\"ocean\"]}, {\"relation\":\"less than\",\"num_words\":8}]";

    private static RewardInput input(String completion) {
        return new RewardInput("Describe the sea.", completion, "", Map.of(Instructions.IDS, IDS, Instructions.KWARGS, KWARGS));
    }

    private static Reward strict() {
        return new IfEvalRewardProvider().create(Map.of());
    }

    @Test
    void scoresTheFractionOfInstructionsFollowed() {
        assertThat(strict().score(input("The ocean is wide."))).isEqualTo(1.0);
        assertThat(strict().score(input("The ocean is wide, deep."))).isEqualTo(2.0 / 3);
        assertThat(strict().score(input("The sea is wide, deep and very very blue today."))).isEqualTo(0.0);
    }

    @Test
    void judgesTheAnswerAfterTheReasoning() {
        assertThat(strict().score(input("<think>a, b, c, many many words here to count</think>The ocean is wide."))).isEqualTo(1.0);
        // reasoning never closed: no answer
        assertThat(strict().score(input("<think>The ocean is wide."))).isEqualTo(0.0);
        assertThat(strict().score(input("   "))).isEqualTo(0.0);
    }

    @Test
    void readsTheInstructionsFromTheReferenceWhenTheMetadataHasNone() {
        String row = "{\"instruction_id_list\":[\"change_case:english_lowercase\"],\"kwargs\":[{}]}";
        assertThat(strict().score(RewardInput.of("p", "all lower", row))).isEqualTo(1.0);
        assertThat(strict().score(RewardInput.of("p", "Not lower", row))).isEqualTo(0.0);
        // kwargs may be left out when no instruction takes any
        assertThat(strict().score(RewardInput.of("p", "all lower", "{\"instruction_id_list\":[\"change_case:english_lowercase\"]}")))
                .isEqualTo(1.0);
    }

    @Test
    void looseAcceptsTheAnswerWithoutAFirstLineOrEmphasis() {
        Map<String, String> meta = Map.of(Instructions.IDS, "[\"startend:quotation\",\"change_case:english_lowercase\"]");
        RewardInput in = new RewardInput("p", "Sure! Here it is:\n\"**all** lower\"", "", meta);
        assertThat(strict().score(in)).isEqualTo(0.0);
        assertThat(new IfEvalRewardProvider().create(Map.of("mode", "loose")).score(in)).isEqualTo(1.0);
        assertThat(IfEvalReward.looseVariants("a\nb\nc")).containsExactly("a\nb\nc", "a\nb\nc", "b\nc", "b\nc", "a\nb", "a\nb", "b", "b");
    }

    @Test
    void badDataAndBadOptionsAreOneClearError() {
        assertThatThrownBy(() -> strict().score(RewardInput.of("p", "x", "")))
                .isInstanceOf(NemotronException.class).hasMessageContaining("names no instructions");
        assertThatThrownBy(() -> strict().score(new RewardInput("p", "x", "", Map.of(Instructions.IDS, "[\"punctuation:no_comma\"]",
                Instructions.KWARGS, "[{}, {}]")))).hasMessageContaining("one object per instruction (1)");
        assertThatThrownBy(() -> strict().score(new RewardInput("p", "x", "", Map.of(Instructions.IDS, "not json"))))
                .hasMessageStartingWith("ifeval: metadata instruction_id_list is not JSON");
        assertThatThrownBy(() -> new IfEvalRewardProvider().create(Map.of("mode", "lax")))
                .hasMessage("reward 'ifeval': option mode: expected strict or loose, got 'lax'");
        assertThatThrownBy(() -> new IfEvalRewardProvider().create(Map.of("mod", "loose")))
                .hasMessageStartingWith("reward 'ifeval': unknown option(s) mod");
    }
}
