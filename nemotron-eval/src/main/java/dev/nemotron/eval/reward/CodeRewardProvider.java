package dev.nemotron.eval.reward;

import dev.nemotron.api.backend.Availability;
import dev.nemotron.api.reward.Reward;
import dev.nemotron.api.reward.RewardOption;
import dev.nemotron.api.reward.RewardOptions;
import dev.nemotron.api.reward.RewardProvider;
import dev.nemotron.eval.code.lang.PythonRunner;
import dev.nemotron.eval.code.sandbox.ResourceLimits;
import dev.nemotron.eval.code.sandbox.Sandbox;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Provides the {@code code} reward ({@link CodeReward}): the fraction of an example's tests that
 * the completion's Python code passes in the code sandbox ({@link Sandbox}). Available where the
 * sandbox runs Python here.
 */
public final class CodeRewardProvider implements RewardProvider {
    /** The name the reward is selected by. */
    public static final String NAME = "code";

    private static final List<RewardOption> OPTIONS = List.of(
            new RewardOption("timeout_s", "10", "wall-clock and CPU seconds each test run may take (1 to 300)"),
            new RewardOption("max_tests", "64", "an example with more tests is a data error (1 to 1000)"),
            new RewardOption("prepend_prompt", "false", "true: the program is prompt + completion (HumanEval-style continuation)"));

    /** Called by {@link java.util.ServiceLoader}. */
    public CodeRewardProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "fraction of the example's tests (metadata tests: JSON array, else one per reference line) the completion's"
                + " Python code passes in the sandbox, in [0, 1]; garbage, hostile or timed-out code scores 0";
    }

    @Override
    public List<RewardOption> options() {
        return OPTIONS;
    }

    @Override
    public Availability availability() {
        return new PythonRunner(Sandbox.create()).availability();
    }

    @Override
    public Reward create(Map<String, String> options) {
        RewardOptions o = new RewardOptions(NAME, options).requireOnly(OPTIONS);
        long timeout = o.getLong("timeout_s", 10, 1, 300);
        int maxTests = (int) o.getLong("max_tests", 64, 1, 1000);
        boolean prependPrompt = o.getBoolean("prepend_prompt", false);
        ResourceLimits limits = PythonRunner.defaultLimits().withWallTime(Duration.ofSeconds(timeout)).withCpuSeconds(timeout);
        return new CodeReward(new PythonRunner(Sandbox.create(), limits), maxTests, prependPrompt);
    }
}
