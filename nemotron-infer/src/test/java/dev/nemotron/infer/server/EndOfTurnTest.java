package dev.nemotron.infer.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron.infer.engine.EngineConfig;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The quickstart's case end to end: the tokenizer-bpe fixture (the 2k BPE) has no
 * {@code <SPECIAL_12>} token, so a model trained on the Nemotron chat format writes the end of
 * turn as text — here a scripted model that then babbles {@code " la"} for ever. The reply must end
 * before the marker with {@code finish_reason} {@code stop}, whole and streamed.
 */
class EndOfTurnTest {
    static final String REPLY = "The answer is 42.\n";
    static TestServer t;

    @BeforeAll
    static void start() {
        t = new TestServer(new ScriptedChatModel(TestServer.TOKENIZER, 1, true, 0, REPLY + "<SPECIAL_12>\n"),
                new EngineConfig(4, 8, 1L << 30), 4096, ServerConfig.defaults());
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    static String chat(String extra) {
        return "{\"model\":\"scripted\",\"messages\":[{\"role\":\"user\",\"content\":\"What is 6*7?\"}],"
                + "\"max_tokens\":200,\"temperature\":0" + extra + "}";
    }

    @Test
    void theReplyEndsBeforeTheMarkerWrittenAsText() throws Exception {
        TestServer.Response r = t.post("/v1/chat/completions", chat(""));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode choice = r.json().get("choices").get(0);
        assertThat(choice.get("message").get("content").asText()).isEqualTo(REPLY);
        assertThat(choice.get("message").get("reasoning_content").asText()).isEqualTo(ScriptedChatModel.LINE);
        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
        assertThat(r.json().get("usage").get("completion_tokens").asInt()).isLessThan(200);
    }

    @Test
    void theStreamNeverShowsThePartOfTheMarkerItHeldBack() throws Exception {
        List<JsonNode> events = TestServer.events(t.post("/v1/chat/completions", chat(",\"stream\":true")).body());
        assertThat(events.getLast().asText()).isEqualTo("[DONE]");
        StringBuilder content = new StringBuilder();
        String finish = null;
        for (JsonNode e : events.subList(0, events.size() - 1)) {
            JsonNode choice = e.get("choices").get(0);
            if (choice.get("delta").has("content")) {
                content.append(choice.get("delta").get("content").asText());
            }
            if (!choice.get("finish_reason").isNull()) {
                finish = choice.get("finish_reason").asText();
            }
        }
        assertThat(content.toString()).isEqualTo(REPLY);
        assertThat(finish).isEqualTo("stop");
    }
}
