package dev.nemotron.infer.server;

import static dev.nemotron.infer.server.ScriptedChatModel.ANSWER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /v1/completions}, {@code /v1/models} and {@code /health} over the scripted model. */
class CompletionsAndModelsTest {
    static TestServer t;

    @BeforeAll
    static void start() {
        t = TestServer.standard();
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    @Test
    void textPromptIsContinuedWithoutReasoningSplit() throws Exception {
        TestServer.Response r = t.post("/v1/completions", "{\"model\":\"scripted\",\"prompt\":\"Q: 6*7?\\nA:\",\"max_tokens\":50}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode o = r.json();
        assertThat(o.get("object").asText()).isEqualTo("text_completion");
        assertThat(o.get("id").asText()).startsWith("cmpl-");
        JsonNode choice = o.get("choices").get(0);
        assertThat(choice.get("text").asText()).isEqualTo(ANSWER);
        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
        assertThat(choice.has("token_ids")).isFalse();
        assertThat(o.get("usage").get("prompt_tokens").asInt()).isEqualTo(TestServer.TOKENIZER.encode("Q: 6*7?\nA:", true).length);
    }

    @Test
    void defaultMaxTokensIs16AndEchoPrependsThePrompt() throws Exception {
        try (TestServer endless = new TestServer(new ScriptedChatModel(TestServer.TOKENIZER, 0, true, 0),
                new dev.nemotron.infer.engine.EngineConfig(4, 4, 1L << 30), 4096, ServerConfig.defaults())) {
            JsonNode o = endless.post("/v1/completions", "{\"prompt\":\"go\"}").json();
            assertThat(o.get("usage").get("completion_tokens").asInt()).isEqualTo(16);
            assertThat(o.get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
        }
        JsonNode echo = t.post("/v1/completions", "{\"prompt\":[\"Hi:\"],\"echo\":true,\"max_tokens\":50}").json();
        assertThat(echo.get("choices").get(0).get("text").asText()).isEqualTo("Hi:" + ANSWER);
    }

    @Test
    void tokenIdPromptsAndReturnTokenIds() throws Exception {
        int[] prompt = TestServer.TOKENIZER.encode("Hello");
        StringBuilder ids = new StringBuilder();
        for (int id : prompt) {
            ids.append(ids.isEmpty() ? "" : ",").append(id);
        }
        JsonNode o = t.post("/v1/completions", "{\"prompt\":[" + ids + "],\"return_token_ids\":true,\"max_tokens\":50,"
                + "\"n\":2,\"echo\":true}").json();
        assertThat(o.get("choices")).hasSize(2);
        for (JsonNode c : o.get("choices")) {
            assertThat(c.get("text").asText()).isEqualTo("Hello" + ANSWER);
            int[] answer = TestServer.TOKENIZER.encode(ANSWER);
            assertThat(c.get("token_ids")).hasSize(answer.length + 1);
            assertThat(c.get("token_ids").get(0).asInt()).isEqualTo(answer[0]);
            assertThat(c.get("token_ids").get(answer.length).asInt()).isEqualTo(ScriptedChatModel.EOS);
        }
        assertThat(o.get("usage").get("prompt_tokens").asInt()).isEqualTo(prompt.length);
    }

    @Test
    void streamedCompletionAddsUpAndEndsWithDone() throws Exception {
        TestServer.Response r = t.post("/v1/completions", "{\"prompt\":\"x\",\"stream\":true,\"max_tokens\":50,"
                + "\"stream_options\":{\"include_usage\":true},\"stop\":\"42\"}");
        List<JsonNode> events = TestServer.events(r.body());
        assertThat(events.getLast().asText()).isEqualTo("[DONE]");
        StringBuilder text = new StringBuilder();
        for (JsonNode e : events.subList(0, events.size() - 2)) {
            assertThat(e.get("object").asText()).isEqualTo("text_completion");
            text.append(e.get("choices").get(0).get("text").asText());
        }
        assertThat(text.toString()).isEqualTo("The answer is ");
        assertThat(events.get(events.size() - 3).get("choices").get(0).get("finish_reason").asText()).isEqualTo("stop");
        assertThat(events.get(events.size() - 2).get("usage").get("completion_tokens").asInt()).isPositive();
    }

    @Test
    void modelsListsTheServedModelAndHealthReportsTheEngine() throws Exception {
        TestServer.Response models = t.get("/v1/models");
        assertThat(models.status()).isEqualTo(200);
        assertThat(models.json().get("object").asText()).isEqualTo("list");
        JsonNode m = models.json().get("data").get(0);
        assertThat(m.get("id").asText()).isEqualTo("scripted");
        assertThat(m.get("object").asText()).isEqualTo("model");
        assertThat(m.get("max_model_len").asInt()).isEqualTo(4096);

        TestServer.Response health = t.get("/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asText()).isEqualTo("ok");
        assertThat(health.json().get("running").asInt()).isZero();
        assertThat(health.json().get("queued").asInt()).isZero();
    }
}
