package dev.nemotron.infer.server;

import static dev.nemotron.infer.server.ScriptedChatModel.ANSWER;
import static dev.nemotron.infer.server.ScriptedChatModel.LINE;
import static dev.nemotron.infer.server.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron.infer.engine.EngineConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /v1/chat/completions} through the real engine, chat template and tokenizer, with a scripted model. */
class ChatCompletionsTest {
    static TestServer t;
    static final int LINE_TOKENS = TestServer.TOKENIZER.encode(LINE).length;
    static final int ANSWER_TOKENS = TestServer.TOKENIZER.encode(ANSWER).length;

    @BeforeAll
    static void start() {
        t = TestServer.standard();
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    static String chat(String extra, String userText) {
        return "{\"model\":\"scripted\",\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
                + "{\"role\":\"user\",\"content\":" + TestServer.JSON.getNodeFactory().textNode(userText) + "}]"
                + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    @Test
    void reasoningAndContentComeBackSeparately() throws Exception {
        TestServer.Response r = t.post("/v1/chat/completions", chat("\"temperature\":0", "What is 6*7?"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode o = r.json();
        assertThat(o.get("object").asText()).isEqualTo("chat.completion");
        assertThat(o.get("id").asText()).startsWith("chatcmpl-");
        assertThat(o.get("model").asText()).isEqualTo("scripted");
        JsonNode choice = o.get("choices").get(0);
        assertThat(choice.get("index").asInt()).isZero();
        assertThat(choice.get("message").get("role").asText()).isEqualTo("assistant");
        assertThat(choice.get("message").get("reasoning_content").asText()).isEqualTo(LINE + LINE);
        assertThat(choice.get("message").get("content").asText()).isEqualTo(ANSWER);
        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
        JsonNode usage = o.get("usage");
        int promptTokens = usage.get("prompt_tokens").asInt();
        assertThat(promptTokens).isGreaterThan(5);
        // reasoning + </think> + answer + </s>
        assertThat(usage.get("completion_tokens").asInt()).isEqualTo(2 * LINE_TOKENS + 1 + ANSWER_TOKENS + 1);
        assertThat(usage.get("total_tokens").asInt()).isEqualTo(promptTokens + usage.get("completion_tokens").asInt());
        assertThat(usage.get("completion_tokens_details").get("reasoning_tokens").asInt()).isEqualTo(2 * LINE_TOKENS);
    }

    @Test
    void noThinkFlagAndEnableThinkingFalseTurnReasoningOff() throws Exception {
        for (String body : List.of(chat("", "/no_think What is 6*7?"),
                chat("\"chat_template_kwargs\":{\"enable_thinking\":false}", "What is 6*7?"))) {
            TestServer.Response r = t.post("/v1/chat/completions", body);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode message = r.json().get("choices").get(0).get("message");
            assertThat(message.get("reasoning_content").isNull()).isTrue();
            assertThat(message.get("content").asText()).isEqualTo(ANSWER);
            assertThat(r.json().get("usage").get("completion_tokens_details").get("reasoning_tokens").asInt()).isZero();
        }
        // and /think in a later turn wins over /no_think in the system prompt
        String body = "{\"messages\":[{\"role\":\"system\",\"content\":\"/no_think\"},{\"role\":\"user\",\"content\":\"hi /think\"}]}";
        JsonNode message = t.post("/v1/chat/completions", body).json().get("choices").get(0).get("message");
        assertThat(message.get("reasoning_content").asText()).isEqualTo(LINE + LINE);
    }

    @Test
    void contentPartsAndAllRolesAreAccepted() throws Exception {
        String body = """
                {"messages":[
                  {"role":"developer","content":"be brief"},
                  {"role":"user","content":[{"type":"text","text":"What is"},{"type":"text","text":"6*7?"}]},
                  {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function",
                     "function":{"name":"calc","arguments":"{\\"x\\":6}"}}]},
                  {"role":"tool","tool_call_id":"c1","name":"calc","content":"42"},
                  {"role":"assistant","content":"It is 42.","reasoning_content":"easy"},
                  {"role":"user","content":"again"}],
                 "tools":[{"type":"function","function":{"name":"calc","parameters":{"type":"object"}}}],
                 "max_completion_tokens":100}
                """;
        TestServer.Response r = t.post("/v1/chat/completions", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("choices").get(0).get("message").get("content").asText()).isEqualTo(ANSWER);
    }

    @Test
    void stopStringEndsTheContent() throws Exception {
        JsonNode o = t.post("/v1/chat/completions", chat("\"stop\":[\"zzz\",\"42\"]", "q")).json();
        assertThat(o.get("choices").get(0).get("message").get("content").asText()).isEqualTo("The answer is ");
        assertThat(o.get("choices").get(0).get("finish_reason").asText()).isEqualTo("stop");
        JsonNode single = t.post("/v1/chat/completions", chat("\"stop\":\"answer\"", "q")).json();
        assertThat(single.get("choices").get(0).get("message").get("content").asText()).isEqualTo("The ");
    }

    @Test
    void maxTokensEndsWithLength() throws Exception {
        JsonNode o = t.post("/v1/chat/completions", chat("\"max_tokens\":3", "q")).json();
        JsonNode choice = o.get("choices").get(0);
        assertThat(choice.get("finish_reason").asText()).isEqualTo("length");
        assertThat(choice.get("message").get("content").asText()).isEmpty();
        assertThat(o.get("usage").get("completion_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void nSamplesAreIndependentAndSeedPlusIGivesSampleI() throws Exception {
        JsonNode greedy = t.post("/v1/chat/completions", chat("\"n\":3,\"temperature\":0", "q")).json();
        assertThat(greedy.get("choices")).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(greedy.get("choices").get(i).get("index").asInt()).isEqualTo(i);
            assertThat(greedy.get("choices").get(i).get("message").get("content").asText()).isEqualTo(ANSWER);
        }
        int one = 2 * LINE_TOKENS + 1 + ANSWER_TOKENS + 1;
        assertThat(greedy.get("usage").get("completion_tokens").asInt()).isEqualTo(3 * one);
        assertThat(greedy.get("usage").get("completion_tokens_details").get("reasoning_tokens").asInt()).isEqualTo(6 * LINE_TOKENS);

        // temperature 10 makes the scripted choice far from certain: samples differ, yet seeds reproduce them
        String sampling = "\"temperature\":10,\"max_tokens\":40";
        JsonNode pair = t.post("/v1/chat/completions", chat(sampling + ",\"n\":2,\"seed\":7", "q")).json();
        JsonNode second = t.post("/v1/chat/completions", chat(sampling + ",\"seed\":8", "q")).json();
        JsonNode first = t.post("/v1/chat/completions", chat(sampling + ",\"seed\":7", "q")).json();
        assertThat(pair.get("choices").get(1).get("message")).isEqualTo(second.get("choices").get(0).get("message"));
        assertThat(pair.get("choices").get(0).get("message")).isEqualTo(first.get("choices").get(0).get("message"));
        assertThat(pair.get("choices").get(0).get("message")).isNotEqualTo(pair.get("choices").get(1).get("message"));
    }

    @Test
    void thinkingBudgetClosesTheReasoningEarly() throws Exception {
        try (TestServer long_ = new TestServer(new ScriptedChatModel(TestServer.TOKENIZER, 50, false, 0),
                new EngineConfig(4, 4, 1L << 30), 4096, ServerConfig.defaults())) {
            JsonNode full = long_.post("/v1/chat/completions", chat("\"max_tokens\":2000", "q")).json();
            assertThat(full.get("choices").get(0).get("message").get("reasoning_content").asText()).isEqualTo(LINE.repeat(50));

            // budget 5: the reasoning closes at the end of the line in which the budget runs out
            JsonNode budget = long_.post("/v1/chat/completions", chat("\"max_tokens\":2000,\"max_thinking_tokens\":5", "q")).json();
            JsonNode m = budget.get("choices").get(0).get("message");
            int expectedLines = (5 + LINE_TOKENS - 1) / LINE_TOKENS;
            assertThat(m.get("reasoning_content").asText()).isEqualTo(LINE.repeat(expectedLines));
            assertThat(m.get("content").asText()).isEqualTo(ANSWER);
            assertThat(budget.get("usage").get("completion_tokens_details").get("reasoning_tokens").asInt())
                    .isEqualTo(expectedLines * LINE_TOKENS);

            // grace 0: </think> right after the budget, mid-line
            JsonNode cut = long_.post("/v1/chat/completions",
                    chat("\"max_tokens\":2000,\"max_thinking_tokens\":2,\"thinking_grace_tokens\":0", "q")).json();
            assertThat(cut.get("usage").get("completion_tokens_details").get("reasoning_tokens").asInt()).isEqualTo(2);
            assertThat(cut.get("choices").get(0).get("message").get("content").asText()).isEqualTo(ANSWER);
        }
    }

    @Test
    void streamingSendsRoleThenReasoningThenContentThenFinishUsageAndDone() throws Exception {
        TestServer.Response r = t.post("/v1/chat/completions",
                chat("\"stream\":true,\"stream_options\":{\"include_usage\":true}", "q"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.raw().headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        List<JsonNode> events = TestServer.events(r.body());
        assertThat(events.getLast().asText()).isEqualTo("[DONE]");
        JsonNode usage = events.get(events.size() - 2);
        assertThat(usage.get("choices")).isEmpty();
        assertThat(usage.get("usage").get("completion_tokens_details").get("reasoning_tokens").asInt()).isEqualTo(2 * LINE_TOKENS);
        List<JsonNode> chunks = events.subList(0, events.size() - 2);
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.get("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(c.get("id").asText()).isEqualTo(chunks.getFirst().get("id").asText());
            assertThat(c.has("usage")).isTrue();
        });
        assertThat(chunks.getFirst().get("choices").get(0).get("delta").get("role").asText()).isEqualTo("assistant");
        JsonNode last = chunks.getLast().get("choices").get(0);
        assertThat(last.get("finish_reason").asText()).isEqualTo("stop");
        assertThat(last.get("delta")).isEmpty();
        StringBuilder reasoning = new StringBuilder();
        StringBuilder content = new StringBuilder();
        boolean contentStarted = false;
        for (JsonNode c : chunks.subList(1, chunks.size() - 1)) {
            JsonNode delta = c.get("choices").get(0).get("delta");
            assertThat(c.get("choices").get(0).get("finish_reason").isNull()).isTrue();
            if (delta.has("reasoning_content")) {
                assertThat(contentStarted).as("reasoning after content").isFalse();
                reasoning.append(delta.get("reasoning_content").asText());
            } else {
                contentStarted = true;
                content.append(delta.get("content").asText());
            }
        }
        assertThat(reasoning.toString()).isEqualTo(LINE + LINE);
        assertThat(content.toString()).isEqualTo(ANSWER);
    }

    @Test
    void streamingWithNSamplesIndexesEveryChunk() throws Exception {
        List<JsonNode> events = TestServer.events(t.post("/v1/chat/completions",
                chat("\"stream\":true,\"n\":2,\"temperature\":0", "/no_think q")).body());
        assertThat(events.getLast().asText()).isEqualTo("[DONE]");
        List<StringBuilder> contents = List.of(new StringBuilder(), new StringBuilder());
        List<String> finishes = new ArrayList<>(List.of("", ""));
        for (JsonNode e : events.subList(0, events.size() - 1)) {
            assertThat(e.has("usage")).isFalse();
            JsonNode choice = e.get("choices").get(0);
            int i = choice.get("index").asInt();
            if (choice.get("delta").has("content")) {
                contents.get(i).append(choice.get("delta").get("content").asText());
            }
            if (!choice.get("finish_reason").isNull()) {
                finishes.set(i, choice.get("finish_reason").asText());
            }
        }
        assertThat(contents).extracting(StringBuilder::toString).containsExactly(ANSWER, ANSWER);
        assertThat(finishes).containsExactly("stop", "stop");
    }

    @Test
    void theDefaultMaxTokensFillsTheContext() throws Exception {
        try (TestServer small = new TestServer(new ScriptedChatModel(TestServer.TOKENIZER, 0, true, 0),
                new EngineConfig(4, 4, 1L << 30), 64, ServerConfig.defaults())) {
            JsonNode o = small.post("/v1/chat/completions", chat("", "/no_think q")).json();
            assertThat(o.get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
            assertThat(o.get("usage").get("total_tokens").asInt()).isEqualTo(64);
        }
        assertThat(json("{}")).isEmpty();
    }
}
