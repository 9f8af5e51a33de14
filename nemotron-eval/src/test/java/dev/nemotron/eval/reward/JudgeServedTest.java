package dev.nemotron.eval.reward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.reward.Reward;
import dev.nemotron.api.reward.RewardInput;
import dev.nemotron.eval.model.EndpointConfig;
import dev.nemotron.eval.model.GenerateRequest;
import dev.nemotron.eval.model.OpenAiEvalModel;
import dev.nemotron.eval.model.Prompt;
import dev.nemotron.eval.model.TinyModel;
import dev.nemotron.infer.engine.EngineConfig;
import dev.nemotron.infer.sampling.SamplingParams;
import dev.nemotron.infer.server.ChatTemplateChoice;
import dev.nemotron.infer.server.ModelOptions;
import dev.nemotron.infer.server.OpenAiServer;
import dev.nemotron.infer.server.ServedModel;
import dev.nemotron.infer.server.ServerConfig;
import dev.nemotron.text.chat.ChatMessage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code judge} reward against the SDK's own {@code nemotron serve} (OpenAiServer on port 0,
 * in-process) serving the tiny random model: the reward asks the server, and its score is what
 * {@link JudgeReply} reads from the reply the same greedy request gets directly.
 */
class JudgeServedTest {
    @TempDir
    static Path tmp;
    static ServedModel served;
    static OpenAiServer server;

    @BeforeAll
    static void start() throws Exception {
        Path dir = TinyModel.create(tmp.resolve("tiny"));
        served = ServedModel.load(dir, new ModelOptions("java", new EngineConfig(8, 64, 1L << 28), "tiny", ChatTemplateChoice.AUTO));
        server = OpenAiServer.start(served, ServerConfig.defaults());
    }

    @AfterAll
    static void stop() {
        server.close();
        served.close();
    }

    @Test
    void scoresWhatTheServedJudgeReplies() {
        String template = "Grade from 0 to 10: {completion}";
        RewardInput in = RewardInput.of("What is 2+2?", "<think>add</think>4", "4");
        Reward judge = new JudgeRewardProvider().create(Map.of("url", server.baseUri() + "/v1", "prompt_template", template,
                "max_tokens", "8", "timeout_s", "60"));
        long before = server.connectionsOpened();
        double score = judge.score(in);
        assertThat(server.connectionsOpened()).as("the reward asked the server").isGreaterThan(before);

        String reply;
        try (OpenAiEvalModel direct = new OpenAiEvalModel(EndpointConfig.of(server.baseUri() + "/v1"))) {
            assertThat(direct.id()).isEqualTo("tiny");
            reply = direct.generate(GenerateRequest.of(Prompt.chat(List.of(ChatMessage.user("Grade from 0 to 10: 4"))),
                    SamplingParams.greedy(8))).text();
        }
        assertThat(score).as("reply '%s'", reply).isEqualTo(JudgeReply.score(reply, 10).orElse(0.0));
        assertThat(score).isBetween(0.0, 1.0);
        assertThat(judge.score(in)).as("greedy: the same score again").isEqualTo(score);
    }
}
