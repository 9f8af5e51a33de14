package dev.nemotron.eval.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.reward.Reward;
import dev.nemotron.api.reward.RewardInput;
import dev.nemotron.testing.http.StubHttpServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code judge} reward against a scripted server: parsing, clamping, the request, failures and timeouts. */
class JudgeRewardTest {
    private static final dev.nemotron.eval.model.RetryPolicy ONE_TRY =
            new dev.nemotron.eval.model.RetryPolicy(1, java.time.Duration.ZERO, java.time.Duration.ZERO);
    private static final RewardInput INPUT = RewardInput.of("What is 2+2?", "<think>hmm</think>It is 4.", "4");

    static String chat(String content) {
        return "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + content + "\"},"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":2}}";
    }

    private static double judge(String replyContent) throws Exception {
        try (StubHttpServer s = new StubHttpServer(new StubHttpServer.Reply(200, chat(replyContent)))) {
            return new JudgeRewardProvider().create(Map.of("url", s.url(), "model", "judge-1")).score(INPUT);
        }
    }

    @Test
    void readsTheFirstNumberAsAFractionOfMaxScoreClampedIntoZeroOne() throws Exception {
        assertThat(judge("7")).isCloseTo(0.7, within(1e-12));
        assertThat(judge("Score: 8/10. The answer is right.")).isCloseTo(0.8, within(1e-12));
        assertThat(judge("4 / 5")).isCloseTo(0.8, within(1e-12));
        assertThat(judge("9.5")).isCloseTo(0.95, within(1e-12));
        assertThat(judge("15")).as("clamped").isEqualTo(1.0);
        assertThat(judge("-3")).as("clamped").isEqualTo(0.0);
        assertThat(judge("I cannot grade this.")).as("no number").isEqualTo(0.0);
        assertThat(JudgeReply.score("x2 then 6", 10)).as("a number inside a word is not the score").hasValue(0.6);
        assertThat(JudgeReply.score("0/0", 10)).as("a zero denominator falls back to max_score").hasValue(0.0);
    }

    @Test
    void sendsTheFilledTemplateAndTheModelAndTheAnswerOnly() throws Exception {
        try (StubHttpServer s = new StubHttpServer(new StubHttpServer.Reply(200, chat("3")))) {
            Reward r = new JudgeRewardProvider().create(Map.of("url", s.url(), "model", "judge-1", "max_score", "4",
                    "prompt_template", "Q={prompt} REF={reference} A={completion}. Score 0-4."));
            assertThat(r.score(INPUT)).isEqualTo(0.75);
            assertThat(s.received).hasSize(1);
            StubHttpServer.Received req = s.received.getFirst();
            assertThat(req.path()).isEqualTo("/v1/chat/completions");
            assertThat(req.body()).contains("\"model\":\"judge-1\"").contains("Q=What is 2+2? REF=4 A=It is 4.. Score 0-4.")
                    .doesNotContain("hmm");
            assertThat(r.score(RewardInput.of("q", "<think>never closed", ""))).as("no answer: no request").isEqualTo(0.0);
            assertThat(s.received).hasSize(1);
        }
    }

    @Test
    void networkFailuresScoreZeroWithoutThrowingOrHanging() throws Exception {
        try (StubHttpServer s = new StubHttpServer(new StubHttpServer.Reply(500, "{\"error\":{\"message\":\"down\"}}"))) {
            assertThat(new JudgeRewardProvider().create(Map.of("url", s.url(), "model", "m", "retries", "1")).score(INPUT)).isEqualTo(0.0);
            assertThat(s.received).hasSize(2);
        }
        try (StubHttpServer s = new StubHttpServer(new StubHttpServer.Reply(200, "not json"))) {
            assertThat(new JudgeRewardProvider().create(Map.of("url", s.url(), "model", "m")).score(INPUT)).isEqualTo(0.0);
        }
        int closedPort;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = free.getLocalPort();
        }
        assertThat(new JudgeRewardProvider().create(Map.of("url", "http://127.0.0.1:" + closedPort + "/v1")).score(INPUT))
                .as("nothing listens").isEqualTo(0.0);
        // a server that accepts the connection and never answers: the request timeout ends it
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Reward r = new JudgeRewardProvider().create(Map.of("url", "http://127.0.0.1:" + silent.getLocalPort() + "/v1",
                    "model", "m", "timeout_s", "1"));
            long t0 = System.nanoTime();
            assertThat(r.score(INPUT)).isEqualTo(0.0);
            assertThat((System.nanoTime() - t0) / 1e9).isBetween(0.9, 10.0);
        }
    }

    @Test
    void badOptionsNameTheRewardAndTheOption() {
        JudgeRewardProvider p = new JudgeRewardProvider();
        assertThatThrownBy(() -> p.create(Map.of())).isInstanceOf(NemotronException.class)
                .hasMessageStartingWith("reward 'judge': option url: required");
        assertThatThrownBy(() -> p.create(Map.of("url", "ftp://x"))).hasMessageStartingWith("reward 'judge': option url: endpoint 'ftp://x' must be");
        assertThatThrownBy(() -> p.create(Map.of("url", "http://x", "timeout_s", "0")))
                .hasMessage("reward 'judge': option timeout_s: must be in [1, 600], got 0");
        assertThatThrownBy(() -> p.create(Map.of("url", "http://x", "prompt_template", "Grade it.")))
                .hasMessage("reward 'judge': option prompt_template: must contain {completion} (the answer to grade)");
        assertThatThrownBy(() -> p.create(Map.of("url", "http://x", "max_score", "0")))
                .hasMessage("reward 'judge': option max_score: must be positive, got 0.0");
        assertThatThrownBy(() -> p.create(Map.of("url", "http://x", "api_key_env", "NEMOTRON_TEST_SURELY_UNSET_VARIABLE")))
                .hasMessage("reward 'judge': option api_key_env: the environment variable NEMOTRON_TEST_SURELY_UNSET_VARIABLE is not set");
        assertThatThrownBy(() -> p.create(Map.of("url", "http://x", "timeout", "5")))
                .hasMessageStartingWith("reward 'judge': unknown option(s) timeout").hasMessageContaining("did you mean 'timeout_s'");
    }

    @Test
    void eachFailureLogsOneWarningLineWithTheCause() throws Exception {
        java.util.List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        int closedPort;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = free.getLocalPort();
        }
        var config = dev.nemotron.eval.model.EndpointConfig.of("http://127.0.0.1:" + closedPort + "/v1").withServedModel("m")
                .withRetry(new dev.nemotron.eval.model.RetryPolicy(1, java.time.Duration.ZERO, java.time.Duration.ZERO));
        assertThat(new JudgeReward(config, JudgeRewardProvider.DEFAULT_TEMPLATE, 10, 8, warnings::add).score(INPUT)).isEqualTo(0.0);
        assertThat(warnings).singleElement().asString().startsWith("judge reward: http://127.0.0.1:" + closedPort + " failed, scoring 0: ");
        warnings.clear();
        try (StubHttpServer s = new StubHttpServer(new StubHttpServer.Reply(200, chat("no\\nnumber")))) {
            var stub = dev.nemotron.eval.model.EndpointConfig.of(s.url()).withServedModel("m");
            assertThat(new JudgeReward(stub, JudgeRewardProvider.DEFAULT_TEMPLATE, 10, 8, warnings::add).score(INPUT)).isEqualTo(0.0);
        }
        assertThat(warnings).containsExactly("judge reward: no number in the judge's reply, scoring 0: 'no number'");
        warnings.clear();
        // an HTTP error: one line with the endpoint, scoring 0
        try (StubHttpServer s = new StubHttpServer(new StubHttpServer.Reply(500, "{\"error\":{\"message\":\"overloaded\"}}"))) {
            var stub = dev.nemotron.eval.model.EndpointConfig.of(s.url()).withServedModel("m").withRetry(ONE_TRY);
            assertThat(new JudgeReward(stub, JudgeRewardProvider.DEFAULT_TEMPLATE, 10, 8, warnings::add).score(INPUT)).isEqualTo(0.0);
            assertThat(s.received).hasSize(1);
        }
        assertThat(warnings).singleElement().asString().startsWith("judge reward: http://127.0.0.1:").contains(" failed, scoring 0: ")
                .contains("500").doesNotContain("\n");
        warnings.clear();
        // an endpoint that never answers: the request timeout ends it, one line
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            var stub = dev.nemotron.eval.model.EndpointConfig.of("http://127.0.0.1:" + silent.getLocalPort() + "/v1").withServedModel("m")
                    .withRequestTimeout(java.time.Duration.ofSeconds(1)).withRetry(ONE_TRY);
            assertThat(new JudgeReward(stub, JudgeRewardProvider.DEFAULT_TEMPLATE, 10, 8, warnings::add).score(INPUT)).isEqualTo(0.0);
        }
        assertThat(warnings).singleElement().asString().startsWith("judge reward: http://127.0.0.1:").contains(" failed, scoring 0: ")
                .doesNotContain("\n");
    }

    @Test
    void eachReplyOfAScriptScoresInRequestOrder() throws Exception {
        // the replies the issue names, through one reward object (one connection, as in a GRPO step)
        try (StubHttpServer s = new StubHttpServer(new StubHttpServer.Reply(200, chat("Score: 7/10")),
                new StubHttpServer.Reply(200, chat("8")), new StubHttpServer.Reply(200, chat("garbage, no digits")),
                new StubHttpServer.Reply(500, "{\"error\":{\"message\":\"down\"}}"), new StubHttpServer.Reply(200, chat("10/10")))) {
            Reward r = new JudgeRewardProvider().create(Map.of("url", s.url(), "model", "judge-1"));
            double[] got = new double[5];
            for (int i = 0; i < got.length; i++) {
                got[i] = r.score(INPUT);
            }
            assertThat(got).containsExactly(0.7, 0.8, 0.0, 0.0, 1.0);
            assertThat(s.received).hasSize(5);
        }
    }
}
