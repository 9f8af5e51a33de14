package dev.nemotron.eval.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.reward.Reward;
import dev.nemotron.api.reward.RewardInput;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The {@code code} reward in the machine's sandbox (skipped where the sandbox cannot run Python). */
class CodeRewardTest {
    private static final String TESTS = "[\"assert add(1, 2) == 3\", \"assert add(-1, 1) == 0\", \"assert add(2, 2) == 4\", \"assert add(0, 0) == 0\"]";
    private static Reward reward;

    @BeforeAll
    static void sandbox() {
        CodeRewardProvider p = new CodeRewardProvider();
        assumeTrue(p.availability().available(), p.availability().reason());
        reward = p.create(Map.of("timeout_s", "3"));
    }

    private static double score(String completion) {
        return reward.score(new RewardInput("Write add(a, b).", completion, "", Map.of("tests", TESTS)));
    }

    @Test
    void scoresTheFractionOfTestsPassed() {
        assertThat(score("def add(a, b):\n    return a + b\n")).isEqualTo(1.0);
        // right only when b == 0 or a == b... : add(a, b) = 2 * a passes add(2, 2) and add(0, 0)
        assertThat(score("def add(a, b):\n    return 2 * a\n")).isEqualTo(0.5);
        assertThat(score("<think>easy</think>\nHere:\n```python\ndef add(a, b):\n    return a + b\n```\nDone.")).isEqualTo(1.0);
    }

    @Test
    void readsOneTestPerReferenceLineWithoutMetadata() {
        String ref = "assert add(1, 2) == 3\n\nassert add(1, 1) == 3\n";
        assertThat(reward.score(RewardInput.of("p", "def add(a, b):\n    return a + b", ref))).isEqualTo(0.5);
    }

    @Test
    void hostileOrGarbageCodeScoresZero() {
        long t0 = System.nanoTime();
        assertThat(score("def add(a, b):\n    while True:\n        pass\n")).as("every test times out").isEqualTo(0.0);
        assertThat((System.nanoTime() - t0) / 1e9).as("the timeout is respected").isLessThan(4 * 3 + 20);
        assertThat(score("import os\nos._exit(0)\n")).as("exits before the tests").isEqualTo(0.0);
        assertThat(score("import sys\nsys.exit(0)\n")).isEqualTo(0.0);
        assertThat(score("this is not python ((")).isEqualTo(0.0);
        assertThat(score("def add(a, b):\n    raise SystemExit(0)\n")).isEqualTo(0.0);
        assertThat(score("")).isEqualTo(0.0);
        assertThat(score("<think>never closed")).isEqualTo(0.0);
        assertThat(score("print('x' * 10**8)\ndef add(a, b):\n    return a + b\n")).as("output past the limit").isEqualTo(0.0);
    }

    @Test
    void badTestsAndOptionsAreOneClearError() {
        assertThatThrownBy(() -> reward.score(RewardInput.of("p", "x", ""))).isInstanceOf(NemotronException.class)
                .hasMessageContaining("has no tests");
        assertThatThrownBy(() -> reward.score(new RewardInput("p", "x", "", Map.of("tests", "[1]"))))
                .hasMessageContaining("JSON array of non-empty strings");
        assertThatThrownBy(() -> new CodeRewardProvider().create(Map.of("timeout_s", "0")))
                .hasMessage("reward 'code': option timeout_s: must be in [1, 300], got 0");
        assertThatThrownBy(() -> new CodeRewardProvider().create(Map.of("max_tests", "1")).score(
                new RewardInput("p", "x", "", Map.of("tests", TESTS)))).hasMessageContaining("more than max_tests=1");
    }
}
