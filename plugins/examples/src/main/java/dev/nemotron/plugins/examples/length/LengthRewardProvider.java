package dev.nemotron.plugins.examples.length;

import dev.nemotron.api.reward.Reward;
import dev.nemotron.api.reward.RewardInput;
import dev.nemotron.api.reward.RewardOption;
import dev.nemotron.api.reward.RewardOptions;
import dev.nemotron.api.reward.RewardProvider;
import java.util.List;
import java.util.Map;

/**
 * The {@code length} reward, a shaped (not verifiable) reward written as a third party writes one:
 * 1.0 for an answer of at most {@code target_words} words, falling linearly to 0.0 at twice that,
 * so GRPO can be steered towards short answers (add it to a verifiable reward). The answer is the
 * text after the last {@code </think>}; a reasoning that never closed scores 0.0.
 */
public final class LengthRewardProvider implements RewardProvider {
    private static final List<RewardOption> OPTIONS = List.of(
            new RewardOption("target_words", "50", "answers of at most this many words score 1.0; 0.0 from twice as many (1 to 100000)"));

    /** Public no-argument constructor for {@link java.util.ServiceLoader}. */
    public LengthRewardProvider() {
    }

    @Override
    public String name() {
        return "length";
    }

    @Override
    public String description() {
        return "1.0 for an answer (after </think>) of at most target_words words, linearly down to 0.0 at twice that";
    }

    @Override
    public List<RewardOption> options() {
        return OPTIONS;
    }

    @Override
    public Reward create(Map<String, String> options) {
        RewardOptions o = new RewardOptions(name(), options).requireOnly(OPTIONS);
        long target = o.getLong("target_words", 50, 1, 100_000);
        return new Reward() {
            @Override
            public String name() {
                return "length";
            }

            @Override
            public double score(RewardInput input) {
                String c = input.completion();
                int close = c.lastIndexOf("</think>");
                if (close < 0 && c.contains("<think>")) {
                    return 0.0;
                }
                String answer = (close < 0 ? c : c.substring(close + "</think>".length())).strip();
                if (answer.isEmpty()) {
                    return 0.0;
                }
                long words = answer.split("\\s+").length;
                return words <= target ? 1.0 : Math.max(0.0, 1.0 - (words - target) / (double) target);
            }
        };
    }
}
