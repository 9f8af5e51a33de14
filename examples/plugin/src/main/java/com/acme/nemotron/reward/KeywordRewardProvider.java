package com.acme.nemotron.reward;

import dev.nemotron.api.reward.Reward;
import dev.nemotron.api.reward.RewardInput;
import dev.nemotron.api.reward.RewardOption;
import dev.nemotron.api.reward.RewardOptions;
import dev.nemotron.api.reward.RewardProvider;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code keyword} reward: 1.0 when the completion's answer (the text after any
 * {@code </think>}) contains the reference, else 0.0. Option {@code ignore_case} (default true).
 */
public final class KeywordRewardProvider implements RewardProvider {
    private static final List<RewardOption> OPTIONS = List.of(
            new RewardOption("ignore_case", "true", "false: the reference must appear with the same case"));

    /** Public no-argument constructor for {@link java.util.ServiceLoader}. */
    public KeywordRewardProvider() {
    }

    @Override
    public String name() {
        return "keyword";
    }

    @Override
    public String description() {
        return "1.0 when the answer (after </think>) contains the reference text";
    }

    /** Listed by {@code nemotron eval rewards}; also the options {@code create} accepts. */
    @Override
    public List<RewardOption> options() {
        return OPTIONS;
    }

    @Override
    public Reward create(Map<String, String> options) {
        RewardOptions o = new RewardOptions(name(), options).requireOnly(OPTIONS);
        boolean ignoreCase = o.getBoolean("ignore_case", true);
        return new Reward() {
            @Override
            public String name() {
                return "keyword";
            }

            @Override
            public double score(RewardInput input) {
                String c = input.completion();
                int end = c.lastIndexOf("</think>");
                String answer = end < 0 ? c : c.substring(end + "</think>".length());
                String ref = input.reference();
                if (ref.isEmpty()) {
                    return 0.0;
                }
                return ignoreCase ? (answer.toLowerCase(Locale.ROOT).contains(ref.toLowerCase(Locale.ROOT)) ? 1.0 : 0.0)
                        : (answer.contains(ref) ? 1.0 : 0.0);
            }
        };
    }
}
