package dev.nemotron.eval.reward;

import dev.nemotron.api.reward.Reward;
import dev.nemotron.api.reward.RewardOption;
import dev.nemotron.api.reward.RewardOptions;
import dev.nemotron.api.reward.RewardProvider;
import dev.nemotron.eval.model.EndpointConfig;
import dev.nemotron.eval.model.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Provides the {@code judge} reward ({@link JudgeReward}): an OpenAI-compatible endpoint (a reward
 * or instruct model behind {@code nemotron serve}, vLLM, ...) scores each completion.
 */
public final class JudgeRewardProvider implements RewardProvider {
    /** The name the reward is selected by. */
    public static final String NAME = "judge";
    /** The prompt the judge gets when the options give none; {@code {prompt}}, {@code {reference}} and {@code {completion}} are filled in. */
    public static final String DEFAULT_TEMPLATE = """
            You are grading an answer to a question.

            Question:
            {prompt}

            Reference answer (may be empty):
            {reference}

            Answer to grade:
            {completion}

            Rate the answer from 0 (wrong or unhelpful) to 10 (correct and helpful). Reply with the number only.""";

    private static final List<RewardOption> OPTIONS = List.of(
            new RewardOption("url", "", "the endpoint, e.g. http://127.0.0.1:8000/v1 (required)"),
            new RewardOption("model", "", "the model field of requests (left out: the first of /v1/models)"),
            new RewardOption("api_key_env", "", "the name of the environment variable holding the API key (sent as Bearer)"),
            new RewardOption("prompt_template", "(a 0-10 grading prompt)", "the judge's prompt; {prompt}, {reference} and {completion} are filled in"),
            new RewardOption("timeout_s", "30", "seconds one request may take, connecting included (1 to 600)"),
            new RewardOption("retries", "0", "extra tries after a failed request (0 to 5)"),
            new RewardOption("max_score", "10", "the top of the judge's scale: a reply N scores N/max_score, clamped into [0, 1]"),
            new RewardOption("max_tokens", "64", "the longest reply (1 to 4096)"));

    /** Called by {@link java.util.ServiceLoader}. */
    public JudgeRewardProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "an OpenAI-compatible endpoint (option url) grades the answer; its first number / max_score, clamped into [0, 1];"
                + " an unreachable endpoint or a reply without a number scores 0 with a warning";
    }

    @Override
    public List<RewardOption> options() {
        return OPTIONS;
    }

    @Override
    public Reward create(Map<String, String> options) {
        RewardOptions o = new RewardOptions(NAME, options).requireOnly(OPTIONS);
        if (!o.has("url")) {
            throw o.invalid("url", "required: the judge's endpoint, e.g. url=http://127.0.0.1:8000/v1");
        }
        EndpointConfig config;
        try {
            config = EndpointConfig.of(o.getString("url", null));
        } catch (RuntimeException e) {
            throw o.invalid("url", e.getMessage());
        }
        Duration timeout = Duration.ofSeconds(o.getLong("timeout_s", 30, 1, 600));
        int tries = 1 + (int) o.getLong("retries", 0, 0, 5);
        String apiKey = null;
        if (o.has("api_key_env")) {
            String var = o.getString("api_key_env", null);
            apiKey = System.getenv(var);
            if (apiKey == null || apiKey.isBlank()) {
                throw o.invalid("api_key_env", "the environment variable " + var + " is not set");
            }
        }
        config = new EndpointConfig(config.baseUri(), apiKey, o.getString("model", null), timeout, timeout,
                new RetryPolicy(tries, Duration.ofMillis(200), Duration.ofSeconds(2)));
        String template = o.getString("prompt_template", DEFAULT_TEMPLATE);
        if (!template.contains("{completion}")) {
            throw o.invalid("prompt_template", "must contain {completion} (the answer to grade)");
        }
        double maxScore = o.getDouble("max_score", 10);
        if (!(maxScore > 0)) {
            throw o.invalid("max_score", "must be positive, got " + maxScore);
        }
        int maxTokens = (int) o.getLong("max_tokens", 64, 1, 4096);
        return new JudgeReward(config, template, maxScore, maxTokens);
    }
}
