package dev.nemotron.text.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.api.NemotronException;
import dev.nemotron.fuzz.Fuzz;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes chat templates (Jinja) end to end: parsing the template source and rendering a
 * conversation with tools. Every template either renders or is rejected with one
 * {@link NemotronException} line (a syntax or render error); see docs/fuzzing.md.
 */
class ChatTemplateFuzzTest {
    static final List<ChatMessage> MESSAGES = List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi there /think"),
            ChatMessage.assistant("Hello", "thinking it over"),
            ChatMessage.assistantToolCalls("", List.of()), ChatMessage.tool("{\"t\": 21}", "call-1", "weather"),
            ChatMessage.user("And tomorrow?"));

    static List<byte[]> seeds() throws IOException {
        JsonNode qwen = new ObjectMapper().readTree(dev.nemotron.testing.Fixtures.dir("qwen3-tokenizer").resolve("tokenizer_config.json").toFile());
        return List.of(qwen.get("chat_template").asText().getBytes(StandardCharsets.UTF_8),
                Files.readAllBytes(Path.of("src/test/resources/fuzz/template-features.jinja")),
                "{{ messages[0].content }}{% for m in messages %}{{ m.role }}{% endfor %}".getBytes(StandardCharsets.UTF_8));
    }


    @Test
    void parseAndRender() throws IOException {
        JsonNode tool = new ObjectMapper().readTree("{\"type\":\"function\",\"function\":{\"name\":\"weather\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}");
        RenderOptions options = RenderOptions.defaults().withTools(List.of(tool));
        Fuzz.target("chat-template")
                .seeds(seeds())
                .clean(t -> t instanceof NemotronException)
                .run(src -> JinjaChatTemplate.of(new String(src, StandardCharsets.UTF_8), "<s>", "</s>")
                        .render(MESSAGES, options));
    }
}
