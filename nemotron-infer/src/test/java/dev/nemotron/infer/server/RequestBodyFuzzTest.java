package dev.nemotron.infer.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron.fuzz.Fuzz;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the HTTP request bodies of {@code /v1/chat/completions} and {@code /v1/completions} on an
 * in-process server (scripted model, tokenizer-bpe fixture): every body is answered with 200 (a
 * whole completion, or an SSE stream ending in {@code [DONE]}) or with a 4xx/503 carrying OpenAI's
 * error object whose message is one line. A 500, another status, a malformed error body or a slow
 * answer fails the run; see docs/fuzzing.md.
 */
class RequestBodyFuzzTest {
    static TestServer t;

    /** A clean rejection: the server's error answer. */
    static final class Rejected extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Rejected(String message) {
            super(message);
        }
    }



    @BeforeAll
    static void start() {
        t = TestServer.standard();
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    static List<byte[]> bytes(String... bodies) {
        return java.util.Arrays.stream(bodies).map(b -> b.getBytes(StandardCharsets.UTF_8)).toList();
    }

    void post(String path, byte[] body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(t.uri(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<String> r = t.client.send(request, HttpResponse.BodyHandlers.ofString());
        int status = r.statusCode();
        String type = r.headers().firstValue("Content-Type").orElse("");
        if (status == 200) {
            if (type.startsWith("text/event-stream") && !r.body().endsWith("data: [DONE]\n\n")) {
                throw new AssertionError("stream without [DONE]: " + r.body());
            }
            return;
        }
        if ((status >= 400 && status < 500) || status == 503) {
            JsonNode error = TestServer.JSON.readTree(r.body()).get("error");
            if (error == null || !error.has("type") || !error.path("message").isTextual()) {
                throw new AssertionError("status " + status + " without an OpenAI error object: " + r.body());
            }
            throw new Rejected(error.get("message").asText());
        }
        throw new AssertionError("status " + status + ": " + r.body());
    }

    @Test
    void chatCompletions() {
        Fuzz.target("http-chat-completions")
                .seeds(bytes(
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"/no_think hi\"}],\"max_tokens\":8}",
                        "{\"model\":\"scripted\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                                + "{\"role\":\"user\",\"content\":\"What is 6*7?\"}],\"temperature\":0.7,\"top_p\":0.9,"
                                + "\"top_k\":40,\"min_p\":0.05,\"seed\":7,\"n\":2,\"stop\":[\"\\n\\n\"],\"max_completion_tokens\":32,"
                                + "\"max_thinking_tokens\":4,\"thinking_grace_tokens\":2,\"presence_penalty\":0.1,"
                                + "\"frequency_penalty\":0.1,\"repetition_penalty\":1.1,\"logprobs\":true,\"top_logprobs\":2}",
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\","
                                + "\"reasoning_content\":\"r\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"more\"}]}],"
                                + "\"stream\":true,\"stream_options\":{\"include_usage\":true},\"chat_template_kwargs\":"
                                + "{\"enable_thinking\":false},\"stop_token_ids\":[2]}",
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"},{\"role\":\"assistant\",\"content\":\"\","
                                + "\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"w\",\"arguments\":"
                                + "\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"21C\"}],"
                                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"w\",\"parameters\":{\"type\":\"object\"}}}],"
                                + "\"max_tokens\":16}"))
                .clean(e -> e instanceof Rejected)
                .workOnOtherThreads()
                .run(b -> post("/v1/chat/completions", b));
    }

    @Test
    void completions() {
        Fuzz.target("http-completions")
                .seeds(bytes(
                        "{\"prompt\":\"Once upon a time\",\"max_tokens\":8}",
                        "{\"model\":\"scripted\",\"prompt\":[1,2,3,4],\"max_tokens\":4,\"echo\":true,\"return_token_ids\":true,"
                                + "\"temperature\":0,\"n\":2,\"stop\":\"x\",\"logprobs\":1}",
                        "{\"prompt\":\"a\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"top_k\":5,\"seed\":1,"
                                + "\"max_tokens\":6}"))
                .clean(e -> e instanceof Rejected)
                .workOnOtherThreads()
                .run(b -> post("/v1/completions", b));
    }
}
