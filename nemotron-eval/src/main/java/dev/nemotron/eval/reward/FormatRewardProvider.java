package dev.nemotron.eval.reward;

import dev.nemotron.api.reward.Reward;
import dev.nemotron.api.reward.RewardInput;
import dev.nemotron.api.reward.RewardOption;
import dev.nemotron.api.reward.RewardOptions;
import dev.nemotron.api.reward.RewardProvider;
import dev.nemotron.text.chat.RenderedPrompt;
import java.util.List;
import java.util.Map;

/**
 * The {@code format} reward: 1.0 when the completion is well formed, else 0.0. Well formed:
 * <ol>
 *   <li>reasoning, if any, is closed: at most one {@code <think>}, at most one {@code </think>},
 *       and no {@code <think>} after the {@code </think>} nor without one; with
 *       {@code require_think=true} the {@code </think>} must be there (the chat template may
 *       have opened the reasoning in the prompt, so {@code <think>} itself is not required);</li>
 *   <li>an answer follows: non-blank text after the {@code </think>} (or the whole completion
 *       when there is no reasoning);</li>
 *   <li>within the length: at most {@code max_chars} characters and at most {@code max_tokens}
 *       tokens, reasoning included. Tokens are the metadata field {@code completion_tokens} when
 *       the caller gives it (GRPO knows the count), else white-space separated pieces.</li>
 * </ol>
 */
public final class FormatRewardProvider implements RewardProvider {
    /** The name the reward is selected by. */
    public static final String NAME = "format";
    /** Metadata key of the completion's token count, when the caller knows it. */
    public static final String COMPLETION_TOKENS = "completion_tokens";

    private static final List<RewardOption> OPTIONS = List.of(
            new RewardOption("require_think", "false", "true: the reasoning must be closed with </think> (thinking on)"),
            new RewardOption("max_chars", "", "the longest completion in characters, reasoning included (no limit when left out)"),
            new RewardOption("max_tokens", "", "the longest completion in tokens (metadata completion_tokens, else white-space pieces)"));

    /** Called by {@link java.util.ServiceLoader}. */
    public FormatRewardProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "1.0 when <think> is closed (require_think), an answer follows it and the completion is within max_chars/max_tokens, else 0.0";
    }

    @Override
    public List<RewardOption> options() {
        return OPTIONS;
    }

    @Override
    public Reward create(Map<String, String> options) {
        RewardOptions o = new RewardOptions(NAME, options).requireOnly(OPTIONS);
        boolean requireThink = o.getBoolean("require_think", false);
        long maxChars = o.getLong("max_chars", Long.MAX_VALUE, 1, Long.MAX_VALUE);
        long maxTokens = o.getLong("max_tokens", Long.MAX_VALUE, 1, Long.MAX_VALUE);
        return new Reward() {
            @Override
            public String name() {
                return NAME;
            }

            @Override
            public double score(RewardInput input) {
                return wellFormed(input, requireThink, maxChars, maxTokens) ? 1.0 : 0.0;
            }
        };
    }

    static boolean wellFormed(RewardInput input, boolean requireThink, long maxChars, long maxTokens) {
        String c = input.completion();
        int open = c.indexOf(RenderedPrompt.THINK_OPEN);
        int close = c.indexOf(RenderedPrompt.THINK_CLOSE);
        if (open >= 0 && c.indexOf(RenderedPrompt.THINK_OPEN, open + 1) >= 0
                || close >= 0 && c.indexOf(RenderedPrompt.THINK_CLOSE, close + 1) >= 0
                || open >= 0 && (close < 0 || open > close)
                || requireThink && close < 0) {
            return false;
        }
        String answer = close < 0 ? c : c.substring(close + RenderedPrompt.THINK_CLOSE.length());
        return !answer.isBlank() && c.length() <= maxChars && tokens(input) <= maxTokens;
    }

    private static long tokens(RewardInput input) {
        String given = input.metadata().get(COMPLETION_TOKENS);
        if (given != null && given.strip().matches("\\d{1,18}")) {
            return Long.parseLong(given.strip());
        }
        String t = input.completion().strip();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }
}
