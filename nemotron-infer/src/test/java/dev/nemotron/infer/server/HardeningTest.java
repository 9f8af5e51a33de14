package dev.nemotron.infer.server;

import static dev.nemotron.infer.server.ErrorsTest.assertError;
import static dev.nemotron.infer.server.ErrorsTest.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron.infer.engine.EngineConfig;
import dev.nemotron.infer.engine.LanguageModel;
import dev.nemotron.infer.engine.ModelSequence;
import dev.nemotron.infer.server.http.HttpLimits;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The outside probe's findings (issue 12): each answered with a clear 4xx or a proper error, nothing lost. */
class HardeningTest {
    static final String HI = "{\"messages\":[{\"role\":\"user\",\"content\":\"/no_think hi\"}]";
    static TestServer t;

    @BeforeAll
    static void start() {
        t = TestServer.standard();
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    private static String raw(TestServer server, String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] b = new byte[4096];
            int n;
            while ((n = in.read(b)) > 0) {
                out.write(b, 0, n);
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void hugeTopKIsServedAndATinyRepetitionPenaltyIs400() throws Exception {
        TestServer.Response topK = t.post("/v1/chat/completions", HI + ",\"top_k\":2147483647}");
        assertThat(topK.status()).as(topK.body()).isEqualTo(200);
        assertThat(t.post("/v1/chat/completions", HI + ",\"top_k\":1e9}").status()).isIn(200, 400);
        assertError(t.post("/v1/chat/completions", HI + ",\"repetition_penalty\":1e-300}"), 400, "repetition_penalty",
                "32-bit float");
        ErrorsTest.stillServing(t);
    }

    @Test
    void badChunkedBodyAndBadContentLengthAre400Json() throws Exception {
        String chunked = raw(t, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nXYZ\r\n{}\r\n0\r\n\r\n");
        assertThat(chunked).startsWith("HTTP/1.1 400 ").contains("application/json").contains("\"invalid_request_error\"")
                .contains("bad chunked request body");
        String badLength = raw(t, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 12x\r\n\r\n{}");
        assertThat(badLength).startsWith("HTTP/1.1 400 ").contains("{\"error\":{\"message\":\"bad Content-Length");
        String conflicting = raw(t, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}");
        assertThat(conflicting).startsWith("HTTP/1.1 400 ").contains("conflicting Content-Length");
        String good = raw(t, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + Integer.toHexString((HI + "}").length()) + "\r\n" + HI + "}\r\n0\r\n\r\n");
        assertThat(good).startsWith("HTTP/1.1 200 ").contains(ScriptedChatModel.ANSWER);
        ErrorsTest.stillServing(t);
    }

    @Test
    void nBeyondWhatTheEngineCanEverHoldIs400() throws Exception {
        // the standard engine holds 8 running + 16 queued
        assertError(t.post("/v1/chat/completions", HI + ",\"n\":25}"), 400, "n", "n must be <= 24");
        assertThat(t.post("/v1/chat/completions", HI + ",\"n\":24}").status()).isEqualTo(200);
    }

    @Test
    void aBurstThatFitsBatchAndQueueIsServedWithout429() throws Exception {
        try (TestServer slow = new TestServer(new ScriptedChatModel(TestServer.TOKENIZER, 0, false, 3),
                new EngineConfig(8, 16, 1L << 30), 4096, ServerConfig.defaults())) {
            for (int round = 0; round < 3; round++) {
                List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
                for (int i = 0; i < 24; i++) {
                    all.add(slow.client.sendAsync(HttpRequest.newBuilder(slow.uri("/v1/chat/completions"))
                            .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(HI + "}")).build(),
                            HttpResponse.BodyHandlers.ofString()));
                }
                for (CompletableFuture<HttpResponse<String>> f : all) {
                    HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                }
            }
        }
    }

    @Test
    void modelsRetrieveAnswersTheModelOr404() throws Exception {
        TestServer.Response one = t.get("/v1/models/" + TestServer.MODEL);
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json().get("id").asText()).isEqualTo(TestServer.MODEL);
        assertThat(one.json().get("object").asText()).isEqualTo("model");
        TestServer.Response other = t.get("/v1/models/gpt-9");
        assertError(other, 404, "model", "does not exist");
        assertThat(other.json().get("error").get("code").asText()).isEqualTo("model_not_found");
    }

    @Test
    void messagesCarryNoEmptyToolCalls() throws Exception {
        JsonNode message = t.post("/v1/chat/completions", HI + "}").json().get("choices").get(0).get("message");
        assertThat(message.has("tool_calls")).isFalse();
        assertThat(message.get("content").asText()).isEqualTo(ScriptedChatModel.ANSWER);
    }

    @Test
    void stopStringsApplyInsideTheReasoning() throws Exception {
        // the scripted reasoning is "Let me think.\n" twice
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"/think hi\"}],\"stop\":[\"think\"]}";
        TestServer.Response r = t.post("/v1/chat/completions", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode choice = r.json().get("choices").get(0);
        assertThat(choice.get("message").get("reasoning_content").asText()).isEqualTo("Let me ");
        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
        List<JsonNode> events = TestServer.events(t.post("/v1/chat/completions", body.replace("}],", "}],\"stream\":true,")).body());
        StringBuilder streamed = new StringBuilder();
        for (JsonNode e : events) {
            JsonNode d = e.path("choices").path(0).path("delta").path("reasoning_content");
            if (d.isTextual()) {
                streamed.append(d.asText());
            }
        }
        assertThat(streamed.toString()).isEqualTo("Let me ");
    }

    /** A scripted model whose decode fails once {@code failAfter} steps have run. */
    private static final class FailingModel implements LanguageModel {
        private final LanguageModel inner = new ScriptedChatModel(TestServer.TOKENIZER, 0, true, 0);
        private final AtomicInteger steps = new AtomicInteger();
        private final int failAfter;

        FailingModel(int failAfter) {
            this.failAfter = failAfter;
        }

        @Override
        public int vocabSize() {
            return inner.vocabSize();
        }

        @Override
        public ModelSequence newSequence() {
            return inner.newSequence();
        }

        @Override
        public float[] prefill(ModelSequence sequence, int[] ids) {
            return inner.prefill(sequence, ids);
        }

        @Override
        public float[] decode(List<ModelSequence> sequences, int[] tokens) {
            if (steps.incrementAndGet() > failAfter) {
                throw new IllegalStateException("simulated device failure");
            }
            return inner.decode(sequences, tokens);
        }

        @Override
        public long sequenceBytes(long tokens) {
            return inner.sequenceBytes(tokens);
        }
    }

    @Test
    void aFailedGenerationIsAnErrorEventOrA500NeverFinishReasonError() throws Exception {
        try (TestServer failing = new TestServer(new FailingModel(3), new EngineConfig(4, 4, 1L << 30), 4096,
                ServerConfig.defaults())) {
            TestServer.Response stream = failing.post("/v1/chat/completions", HI + ",\"stream\":true,\"max_tokens\":50}");
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.body()).doesNotContain("\"finish_reason\":\"error\"");
            List<JsonNode> events = TestServer.events(stream.body());
            assertThat(events.get(events.size() - 2).get("error").get("message").asText()).contains("simulated device failure");
            assertThat(events.getLast().asText()).isEqualTo("[DONE]");
            TestServer.Response plain = failing.post("/v1/chat/completions", HI + ",\"max_tokens\":50}");
            assertError(plain, 500, null, "simulated device failure");
            waitFor(() -> failing.server.inFlight() == 0 && failing.served.engine().reservedBytes() == 0);
        }
    }

    @Test
    void aStreamingClientThatNeverReadsLosesItsSlotAtTheWriteTimeout() throws Exception {
        HttpLimits limits = new HttpLimits(64, Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(300));
        try (TestServer endless = new TestServer(new ScriptedChatModel(TestServer.TOKENIZER, 0, true, 0),
                new EngineConfig(4, 4, 1L << 40), 1 << 24, ServerConfig.defaults().withLimits(limits));
             Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress("127.0.0.1", endless.server.port()));
            String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"/no_think go\"}],\"stream\":true,\"max_tokens\":10000000}";
            s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: "
                    + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            waitFor(() -> endless.server.inFlight() == 1);
            // never read: the server's writes block; the write timeout cuts the connection and cancels the generation
            waitFor(() -> endless.server.inFlight() == 0 && endless.served.engine().runningCount() == 0);
            assertThat(endless.get("/health").status()).isEqualTo(200);
        }
    }

    @Test
    void aSlowUploadHoldsNoInFlightPlace() throws Exception {
        try (TestServer one = new TestServer(new ScriptedChatModel(TestServer.TOKENIZER, 0, false, 0),
                new EngineConfig(4, 4, 1L << 30), 4096, ServerConfig.defaults().withMaxInFlight(1));
             Socket slow = new Socket("127.0.0.1", one.server.port())) {
            slow.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"mess")
                    .getBytes(StandardCharsets.UTF_8));
            slow.getOutputStream().flush();
            Thread.sleep(200);
            assertThat(one.server.inFlight()).isZero();
            TestServer.Response r = one.post("/v1/chat/completions", HI + "}");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
        }
    }

    @Test
    void aStalledBodyIsAnswered408AtTheIdleTimeout() throws Exception {
        HttpLimits limits = new HttpLimits(64, Duration.ofSeconds(5), Duration.ofMillis(300), Duration.ofSeconds(5));
        try (TestServer quick = new TestServer(new ScriptedChatModel(TestServer.TOKENIZER, 0, false, 0),
                new EngineConfig(4, 4, 1L << 30), 4096, ServerConfig.defaults().withLimits(limits));
             Socket s = new Socket("127.0.0.1", quick.server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"mess")
                    .getBytes(StandardCharsets.UTF_8));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 408 ").contains("the request body stalled");
        }
    }

    @Test
    void idleConnectionsCannotStarveHealth() throws Exception {
        HttpLimits limits = new HttpLimits(32, Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30));
        List<Socket> idle = new ArrayList<>();
        try (TestServer capped = new TestServer(new ScriptedChatModel(TestServer.TOKENIZER, 0, false, 0),
                new EngineConfig(4, 4, 1L << 30), 4096, ServerConfig.defaults().withLimits(limits))) {
            try {
                for (int i = 0; i < 1000; i++) {
                    Socket s = new Socket("127.0.0.1", capped.server.port());
                    idle.add(s);
                    s.getOutputStream().write("GET /health HTTP/1.1\r\n".getBytes(StandardCharsets.UTF_8));
                }
                // the kernel accepts ahead of the server: wait until the server has seen all of them, so that
                // the health check's connection is the newest (a later idle one would evict it, correctly)
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (capped.server.connectionsOpened() < idle.size() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(capped.server.connectionsOpened()).isGreaterThanOrEqualTo(idle.size());
                assertThat(capped.server.connectionCount()).isLessThanOrEqualTo(32);
                TestServer.Response health = capped.get("/health");
                assertThat(health.status()).isEqualTo(200);
            } finally {
                for (Socket s : idle) {
                    s.close();
                }
            }
        }
    }
}
