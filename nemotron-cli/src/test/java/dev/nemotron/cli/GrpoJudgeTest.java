package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.eval.math.Reasoning;
import dev.nemotron.testing.http.StubHttpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nemotron grpo --reward judge} against a scripted OpenAI-compatible endpoint whose replies
 * are known ("Score: 7/10", "8", a reply without a number, an HTTP 500, "9 / 10" from then on):
 * every rollout's reward is the score the judge reward reads from the reply its request got, in
 * request order; a completion with no answer scores 0 without a request; the failures score 0
 * and the run goes on.
 */
class GrpoJudgeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static StubHttpServer.Reply chat(String content) {
        return new StubHttpServer.Reply(200, "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + content
                + "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":2}}");
    }

    @Test
    void eachRolloutScoresWhatTheJudgeReplied() throws Exception {
        Path model = TinyChatModel.create(tmp);
        Path prompts = Files.write(tmp.resolve("prompts.jsonl"), List.of("{\"prompt\": \"What is 1 + 2?\", \"answer\": 3}",
                "{\"prompt\": \"What is 4 + 4?\", \"answer\": 8}"));
        // request k gets reply k; the score the judge reward must read from each, in order (then 0.9 repeats)
        double[] scores = {0.7, 0.8, 0.0, 0.0, 0.9};
        Path out = tmp.resolve("run");
        try (StubHttpServer judge = new StubHttpServer(chat("Score: 7/10"), chat("8"), chat("I cannot grade this."),
                new StubHttpServer.Reply(500, "{\"error\":{\"message\":\"overloaded\"}}"), chat("9 / 10"))) {
            CliRun r = CliRun.of("grpo", "--init-model", model.toString(), "--prompts", prompts.toString(), "--reward", "judge",
                    "--reward-option", "judge.url=" + judge.url(), "--reward-option", "judge.model=grader",
                    "--reward-option", "judge.timeout_s=10", "--steps", "4", "--batch", "2", "--group", "2", "--max-tokens", "5",
                    "--no-think-fraction", "0.75", "--threads", "1", "--out", out.toString());
            assertThat(r.exitCode()).as(r.err()).isZero();

            // 2 prompts x 2 samples per step: rollouts.jsonl logs every sample, in the order the rewards were asked
            List<JsonNode> samples = new ArrayList<>();
            for (String line : Files.readAllLines(out.resolve("rollouts.jsonl"))) {
                samples.add(JSON.readTree(line));
            }
            assertThat(samples).hasSize(16);
            int request = 0;
            int unanswered = 0;
            List<Double> expected = new ArrayList<>();
            for (JsonNode s : samples) {
                boolean answered = !Reasoning.finalPart(s.get("completion").asText()).strip().isEmpty();
                double want = answered ? scores[Math.min(request++, scores.length - 1)] : 0.0;
                unanswered += answered ? 0 : 1;
                expected.add(want);
                assertThat(s.get("reward").asDouble()).as("step %d completion '%s'", s.get("step").asInt(), s.get("completion").asText())
                        .isEqualTo(want);
            }
            assertThat(judge.received).as("one request per answered completion").hasSize(request);
            assertThat(request).as("the script's replies were all used").isGreaterThanOrEqualTo(scores.length);
            assertThat(unanswered).as("some reasoning never closed (no answer, no request)").isPositive();
            for (int k = 0; k < request; k++) {
                StubHttpServer.Received q = judge.received.get(k);
                assertThat(q.path()).isEqualTo("/v1/chat/completions");
                assertThat(q.body()).contains("\"model\":\"grader\"").containsAnyOf("What is 1 + 2?", "What is 4 + 4?");
            }
            // the step's reward_judge and reward_mean are the means of its samples' scores
            List<String> metrics = Files.readAllLines(out.resolve("metrics.jsonl"));
            for (int step = 0; step < 4; step++) {
                double mean = expected.subList(4 * step, 4 * step + 4).stream().mapToDouble(Double::doubleValue).sum() / 4;
                JsonNode m = JSON.readTree(metrics.get(step));
                assertThat(m.get("reward_judge").asDouble()).isCloseTo(mean, within(1e-12));
                assertThat(m.get("reward_mean").asDouble()).isCloseTo(mean, within(1e-12));
            }
        }
    }
}
