package dev.nemotron.eval.reward;

import dev.nemotron.api.reward.Reward;
import dev.nemotron.api.reward.RewardInput;
import dev.nemotron.eval.math.Reasoning;
import dev.nemotron.eval.model.Completion;
import dev.nemotron.eval.model.EndpointConfig;
import dev.nemotron.eval.model.GenerateRequest;
import dev.nemotron.eval.model.OpenAiEvalModel;
import dev.nemotron.eval.model.Prompt;
import dev.nemotron.infer.sampling.SamplingParams;
import dev.nemotron.text.chat.ChatMessage;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The {@code judge} reward: fills the prompt template with the example and the answer (the
 * completion after its reasoning), asks the endpoint for a greedy chat completion and reads the
 * score from the reply ({@link JudgeReply}). A completion with no answer scores 0.0 without a
 * request. Never throws for the network: an unreachable endpoint, an HTTP error, a timeout (the
 * request timeout bounds every request) or a reply without a number scores 0.0 with a logged
 * warning. The connection (and the model name, when not given) is made on first use, and tried
 * again on the next score while it fails.
 */
final class JudgeReward implements Reward {
    private static final Logger LOG = LogManager.getLogger(JudgeReward.class);

    private final EndpointConfig config;
    private final String template;
    private final double maxScore;
    private final int maxTokens;
    private final Consumer<String> warn;
    private OpenAiEvalModel endpoint;

    JudgeReward(EndpointConfig config, String template, double maxScore, int maxTokens) {
        this(config, template, maxScore, maxTokens, LOG::warn);
    }

    /** With {@code warn} receiving each warning line (the log, or a test's list). */
    JudgeReward(EndpointConfig config, String template, double maxScore, int maxTokens, Consumer<String> warn) {
        this.warn = warn;
        this.config = config;
        this.template = template;
        this.maxScore = maxScore;
        this.maxTokens = maxTokens;
    }

    @Override
    public String name() {
        return JudgeRewardProvider.NAME;
    }

    /** The judge's prompt for {@code input} (its answer part). */
    String prompt(RewardInput input, String answer) {
        return template.replace("{prompt}", input.prompt()).replace("{reference}", input.reference()).replace("{completion}", answer);
    }

    @Override
    public double score(RewardInput input) {
        String answer = Reasoning.finalPart(input.completion()).strip();
        if (answer.isEmpty()) {
            return 0.0;
        }
        String reply;
        try {
            Completion c = endpoint().generate(GenerateRequest.of(Prompt.chat(List.of(ChatMessage.user(prompt(input, answer)))),
                    SamplingParams.greedy(maxTokens)));
            reply = c.text() == null ? "" : c.text();
        } catch (RuntimeException e) {
            warn.accept("judge reward: " + config.baseUri() + " failed, scoring 0: " + e.getMessage());
            return 0.0;
        }
        OptionalDouble s = JudgeReply.score(reply, maxScore);
        if (s.isEmpty()) {
            warn.accept("judge reward: no number in the judge's reply, scoring 0: '"
                    + (reply.length() > 200 ? reply.substring(0, 200) + "..." : reply).replace('\n', ' ') + "'");
            return 0.0;
        }
        return s.getAsDouble();
    }

    private synchronized OpenAiEvalModel endpoint() {
        if (endpoint == null) {
            endpoint = new OpenAiEvalModel(config);
        }
        return endpoint;
    }
}
