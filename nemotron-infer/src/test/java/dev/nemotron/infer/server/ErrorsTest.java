package dev.nemotron.infer.server;

import static dev.nemotron.infer.server.ScriptedChatModel.ANSWER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron.infer.engine.EngineConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every error answer has OpenAI's shape and status, and the server keeps serving after each. */
class ErrorsTest {
    static TestServer t;

    @BeforeAll
    static void start() {
        t = TestServer.standard();
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    static void assertError(TestServer.Response r, int status, String param, String messagePart) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        JsonNode e = r.json().get("error");
        assertThat(e.get("message").asText()).containsIgnoringCase(messagePart);
        assertThat(e.get("type").asText()).isNotEmpty();
        assertThat(e.has("param")).isTrue();
        assertThat(e.has("code")).isTrue();
        if (param == null) {
            assertThat(e.get("param").isNull()).isTrue();
        } else {
            assertThat(e.get("param").asText()).isEqualTo(param);
        }
    }

    /** The server still answers a good request. */
    static void stillServing(TestServer server) throws Exception {
        TestServer.Response ok = server.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"/no_think hi\"}]}");
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.json().get("choices").get(0).get("message").get("content").asText()).isEqualTo(ANSWER);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "not json                 | {\"messages\": [        | <none>                  | not valid JSON",
        "not an object            | [1,2]                   | <none>                  | JSON object",
        "empty body               | ``                      | <none>                  | empty",
        "missing messages         | {}                      | messages                | messages is required",
        "messages not array       | {\"messages\":\"hi\"}   | messages                | must be an array",
        "empty messages           | {\"messages\":[]}       | messages                | at least one",
        "unknown role             | {\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]} | messages[0].role | unknown role",
        "missing role             | {\"messages\":[{\"content\":\"x\"}]} | messages[0].role | required",
        "content wrong type       | {\"messages\":[{\"role\":\"user\",\"content\":5}]} | messages[0].content | string or an array",
        "image part               | {\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}]} | messages[0].content[0] | not supported",
        "temperature wrong type   | {\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":\"hot\"} | temperature | must be a number",
        "top_p out of range       | {\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"top_p\":2} | top_p | (0, 1]",
        "temperature negative     | {\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":-1} | temperature | >= 0",
        "presence_penalty range   | {\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"presence_penalty\":3} | presence_penalty | [-2, 2]",
        "max_tokens zero          | {\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":0} | max_tokens | > 0",
        "max_tokens not integer   | {\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":1.5} | max_tokens | integer",
        "n zero                   | {\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"n\":0} | n | [1, 128]",
        "stop wrong type          | {\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stop\":[1]} | stop | string",
        "stream wrong type        | {\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream\":\"yes\"} | stream | boolean",
        "negative thinking budget | {\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_thinking_tokens\":-1} | max_thinking_tokens | [0,",
        "logprobs                 | {\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"logprobs\":true} | logprobs | not supported",
        "max_tokens over context  | {\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":5000} | max_tokens | context length",
    })
    void badChatRequestsGet400(String name, String body, String param, String message) throws Exception {
        assertError(t.post("/v1/chat/completions", body), 400, "<none>".equals(param) ? null : param, message);
        stillServing(t);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "missing prompt       | {}                                    | prompt | required",
        "prompt wrong type    | {\"prompt\":5}                        | prompt | string or an array",
        "token id too large   | {\"prompt\":[1,999999]}               | prompt | token id",
        "batched prompts      | {\"prompt\":[\"a\",\"b\"]}            | prompt | batched",
        "thinking budget      | {\"prompt\":\"a\",\"max_thinking_tokens\":3} | max_thinking_tokens | chat/completions only",
    })
    void badCompletionRequestsGet400(String name, String body, String param, String message) throws Exception {
        assertError(t.post("/v1/completions", body), 400, param, message);
        stillServing(t);
    }

    @Test
    void unknownModelIs404UnknownPathIs404WrongMethodIs405() throws Exception {
        TestServer.Response model = t.post("/v1/chat/completions", "{\"model\":\"gpt-9\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertError(model, 404, "model", "does not exist");
        assertThat(model.json().get("error").get("code").asText()).isEqualTo("model_not_found");
        assertError(t.get("/v1/nothing"), 404, null, "no route");
        assertError(t.post("/", "{}"), 404, null, "no route");
        TestServer.Response method = t.get("/v1/chat/completions");
        assertError(method, 405, null, "not allowed");
        assertThat(method.raw().headers().firstValue("Allow")).contains("POST");
        assertError(t.post("/v1/models", "{}"), 405, null, "not allowed");
        stillServing(t);
    }

    @Test
    void bodiesOverTheLimitGet413() throws Exception {
        String big = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(2 << 20) + "\"}]}";
        assertError(t.post("/v1/chat/completions", big), 413, null, "larger than");
        stillServing(t);
    }

    @Test
    void apiKeyIsRequiredOnV1ButNotOnHealth() throws Exception {
        try (TestServer keyed = new TestServer(new ScriptedChatModel(TestServer.TOKENIZER, 0, false, 0),
                new EngineConfig(4, 4, 1L << 30), 4096, ServerConfig.defaults().withApiKey("sesame"))) {
            String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            TestServer.Response none = keyed.post("/v1/chat/completions", body);
            assertError(none, 401, null, "api key");
            assertThat(none.raw().headers().firstValue("WWW-Authenticate")).contains("Bearer");
            assertError(keyed.post("/v1/chat/completions", body, "Authorization", "Bearer wrong"), 401, null, "invalid api key");
            assertError(keyed.get("/v1/models"), 401, null, "api key");
            assertError(keyed.get("/v1/unknown"), 401, null, "api key");
            assertThat(keyed.get("/health").status()).isEqualTo(200);
            assertThat(keyed.get("/v1/models", "Authorization", "Bearer sesame").status()).isEqualTo(200);
            assertThat(keyed.post("/v1/chat/completions", body, "Authorization", "Bearer sesame").status()).isEqualTo(200);
        }
    }

    @Test
    void fullEngineGets429() throws Exception {
        // one batch place, no queue: while an endless generation runs, the next request is refused
        try (TestServer noQueue = new TestServer(new ScriptedChatModel(TestServer.TOKENIZER, 0, true, 5),
                new EngineConfig(1, 0, 1L << 30), 4096, ServerConfig.defaults())) {
            HttpRequest slow = HttpRequest.newBuilder(noQueue.uri("/v1/completions")).timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"go\",\"max_tokens\":100}")).build();
            CompletableFuture<HttpResponse<String>> first = noQueue.client.sendAsync(slow, HttpResponse.BodyHandlers.ofString());
            waitFor(() -> noQueue.served.engine().runningCount() == 1);
            TestServer.Response r = noQueue.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertError(r, 429, null, "queue is full");
            assertThat(r.raw().headers().firstValue("Retry-After")).isPresent();
            assertThat(noQueue.get("/health").status()).isEqualTo(200);
            assertThat(first.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void inFlightLimitGets429WhileARequestRuns() throws Exception {
        try (TestServer one = new TestServer(new ScriptedChatModel(TestServer.TOKENIZER, 0, true, 5),
                new EngineConfig(4, 4, 1L << 30), 4096, ServerConfig.defaults().withMaxInFlight(1))) {
            HttpRequest slow = HttpRequest.newBuilder(one.uri("/v1/completions")).timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"go\",\"max_tokens\":200}")).build();
            CompletableFuture<HttpResponse<String>> first = one.client.sendAsync(slow, HttpResponse.BodyHandlers.ofString());
            waitFor(() -> one.server.inFlight() == 1);
            assertError(one.post("/v1/completions", "{\"prompt\":\"go\"}"), 429, null, "in flight");
            assertThat(first.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            waitFor(() -> one.server.inFlight() == 0);
            assertThat(one.post("/v1/completions", "{\"prompt\":\"go\"}").status()).isEqualTo(200);
        }
    }

    @Test
    void promptsOverTheContextOrTheCacheBudgetGet400() throws Exception {
        // context 32 tokens; cache budget: 100 bytes per token, 3000 bytes = 30 tokens
        try (TestServer tiny = new TestServer(new ScriptedChatModel(TestServer.TOKENIZER, 0, false, 0),
                new EngineConfig(4, 4, 3000), 32, ServerConfig.defaults())) {
            assertError(tiny.post("/v1/completions", "{\"prompt\":\"" + "word ".repeat(40) + "\"}"), 400, "prompt", "context length");
            assertError(tiny.post("/v1/completions", "{\"prompt\":[5,6,7],\"max_tokens\":29}"), 400, null, "budget");
            assertThat(tiny.post("/v1/completions", "{\"prompt\":[5,6,7],\"max_tokens\":20}").status()).isEqualTo(200);
            // without max_tokens a chat request gets what fits the budget
            TestServer.Response chat = tiny.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"/no_think\"}]}");
            assertThat(chat.status()).as(chat.body()).isIn(200, 400);
        }
    }

    @Test
    void clientDisconnectMidStreamCancelsTheGeneration() throws Exception {
        try (TestServer endless = new TestServer(new ScriptedChatModel(TestServer.TOKENIZER, 0, true, 2),
                new EngineConfig(4, 4, 1L << 30), 1 << 20, ServerConfig.defaults())) {
            URI base = endless.server.baseUri();
            String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"/no_think go\"}],\"stream\":true,\"max_tokens\":100000}";
            try (Socket s = new Socket(base.getHost(), base.getPort())) {
                OutputStream out = s.getOutputStream();
                out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
                out.flush();
                InputStream in = s.getInputStream();
                byte[] buf = new byte[4096];
                int total = 0;
                while (total < 2000) {
                    int n = in.read(buf);
                    assertThat(n).isPositive();
                    total += n;
                }
                assertThat(endless.served.engine().runningCount()).isEqualTo(1);
            }
            waitFor(() -> endless.served.engine().runningCount() == 0 && endless.server.inFlight() == 0);
            assertThat(endless.get("/health").json().get("running").asInt()).isZero();
        }
    }

    static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 20 s");
            }
            Thread.sleep(10);
        }
    }
}
