package dev.nemotron.infer.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron.infer.engine.EngineConfig;
import org.junit.jupiter.api.Test;

/**
 * The model's Nemotron Nano 2 call block comes back as OpenAI {@code tool_calls}, whole and
 * streamed, when the request offers tools; malformed call text, or a request without tools, keeps
 * it as content.
 */
class ToolCallsTest {
    static final String CALL = "<TOOLCALL>[{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}]</TOOLCALL>";
    static final String TOOLS = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
            + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}]";

    static TestServer serverAnswering(String answer) {
        return new TestServer(new ScriptedChatModel(TestServer.TOKENIZER, 1, false, 0, answer),
                new EngineConfig(4, 8, 1L << 30), 4096, ServerConfig.defaults());
    }

    static String chat(String extra) {
        return "{\"model\":\"scripted\",\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}],"
                + "\"max_tokens\":300,\"temperature\":0" + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    @Test
    void aCallBlockBecomesToolCallsWithFinishReasonToolCalls() throws Exception {
        try (TestServer t = serverAnswering("Let me check. " + CALL)) {
            TestServer.Response r = t.post("/v1/chat/completions", chat(TOOLS));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode choice = r.json().get("choices").get(0);
            JsonNode message = choice.get("message");
            assertThat(message.get("content").asText()).isEqualTo("Let me check.");
            JsonNode call = message.get("tool_calls").get(0);
            assertThat(message.get("tool_calls")).hasSize(1);
            assertThat(call.get("id").asText()).startsWith("call_");
            assertThat(call.get("type").asText()).isEqualTo("function");
            assertThat(call.get("function").get("name").asText()).isEqualTo("get_weather");
            assertThat(TestServer.JSON.readTree(call.get("function").get("arguments").asText()))
                    .isEqualTo(TestServer.JSON.readTree("{\"city\":\"Paris\"}"));
            assertThat(choice.get("finish_reason").asText()).isEqualTo("tool_calls");
        }
    }

    @Test
    void streamedTheBlockIsHeldBackAndSentAsOneToolCallsDelta() throws Exception {
        try (TestServer t = serverAnswering("Let me check. " + CALL)) {
            TestServer.Response r = t.post("/v1/chat/completions", chat(TOOLS + ",\"stream\":true"));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            StringBuilder content = new StringBuilder();
            JsonNode calls = null;
            String finish = null;
            for (JsonNode e : TestServer.events(r.body())) {
                if (e.isTextual()) {
                    continue;
                }
                JsonNode choice = e.get("choices").get(0);
                JsonNode delta = choice.get("delta");
                if (delta.hasNonNull("content")) {
                    content.append(delta.get("content").asText());
                }
                if (delta.has("tool_calls")) {
                    assertThat(calls).as("one tool_calls delta").isNull();
                    calls = delta.get("tool_calls");
                }
                if (choice.hasNonNull("finish_reason")) {
                    finish = choice.get("finish_reason").asText();
                }
            }
            assertThat(content.toString()).isEqualTo("Let me check. ");
            assertThat(content.toString()).doesNotContain("<TOOL");
            assertThat(calls).hasSize(1);
            assertThat(calls.get(0).get("index").asInt()).isZero();
            assertThat(calls.get(0).get("function").get("name").asText()).isEqualTo("get_weather");
            assertThat(finish).isEqualTo("tool_calls");
        }
    }

    @Test
    void malformedCallTextStaysContentWholeAndStreamed() throws Exception {
        String broken = "<TOOLCALL>[{\"name\": \"get_weather\", \"arguments\": {\"city\": }]</TOOLCALL>";
        try (TestServer t = serverAnswering(broken)) {
            JsonNode choice = t.post("/v1/chat/completions", chat(TOOLS)).json().get("choices").get(0);
            assertThat(choice.get("message").get("content").asText()).isEqualTo(broken);
            assertThat(choice.get("message").has("tool_calls")).isFalse();
            assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");

            StringBuilder content = new StringBuilder();
            for (JsonNode e : TestServer.events(t.post("/v1/chat/completions", chat(TOOLS + ",\"stream\":true")).body())) {
                if (!e.isTextual() && e.get("choices").get(0).get("delta").hasNonNull("content")) {
                    content.append(e.get("choices").get(0).get("delta").get("content").asText());
                }
            }
            assertThat(content.toString()).isEqualTo(broken);
        }
    }

    @Test
    void withoutToolsOrWithToolChoiceNoneTheTextIsContent() throws Exception {
        try (TestServer t = serverAnswering(CALL)) {
            for (String extra : new String[] {"", TOOLS + ",\"tool_choice\":\"none\""}) {
                JsonNode choice = t.post("/v1/chat/completions", chat(extra)).json().get("choices").get(0);
                assertThat(choice.get("message").get("content").asText()).isEqualTo(CALL);
                assertThat(choice.get("message").has("tool_calls")).isFalse();
                assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
            }
            TestServer.Response bad = t.post("/v1/chat/completions", chat(TOOLS + ",\"tool_choice\":\"sometimes\""));
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.json().get("error").get("param").asText()).isEqualTo("tool_choice");
        }
    }
}
