package dev.nemotron.infer.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.text.chat.NemotronChatTemplate;
import dev.nemotron.infer.engine.EngineConfig;
import dev.nemotron.infer.engine.GenerationEngine;
import dev.nemotron.infer.engine.LanguageModel;
import dev.nemotron.infer.engine.TextCodec;
import dev.nemotron.text.tokenizer.Tokenizer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** A server on an ephemeral port over a scripted model and the tokenizer-bpe fixture, with an HTTP client. */
final class TestServer implements AutoCloseable {
    static final Tokenizer TOKENIZER = Tokenizer.load(dev.nemotron.testing.Fixtures.dir("tokenizer-bpe/tokenizer.json"));
    static final ObjectMapper JSON = new ObjectMapper();
    static final String MODEL = "scripted";

    final ServedModel served;
    final OpenAiServer server;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    record Response(int status, JsonNode json, String body, HttpResponse<String> raw) {
    }

    TestServer(LanguageModel model, EngineConfig engine, int context, ServerConfig config) {
        GenerationEngine e = new GenerationEngine(model, new TextCodec(TOKENIZER, Set.of(ScriptedChatModel.EOS)), engine);
        this.served = new ServedModel(MODEL, e, new NemotronChatTemplate(), context);
        this.server = OpenAiServer.start(served, config);
    }

    /** Two reasoning lines, then the answer; 8 sequences, 16 queued, context 4096. */
    static TestServer standard() {
        return new TestServer(new ScriptedChatModel(TOKENIZER, 2, false, 0), new EngineConfig(8, 16, 1L << 30), 4096,
                ServerConfig.defaults());
    }

    URI uri(String path) {
        return server.baseUri().resolve(path);
    }

    Response post(String path, String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b.build());
    }

    Response post(String path, JsonNode body, String... headers) throws IOException, InterruptedException {
        return post(path, JSON.writeValueAsString(body), headers);
    }

    Response get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b.build());
    }

    Response send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode json = null;
        String type = r.headers().firstValue("Content-Type").orElse("");
        if (type.startsWith("application/json")) {
            json = JSON.readTree(r.body());
        }
        return new Response(r.statusCode(), json, r.body(), r);
    }

    /** The JSON events of an SSE body; the {@code [DONE]} marker as a text node "[DONE]". */
    static List<JsonNode> events(String body) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            if (block.isBlank()) {
                continue;
            }
            if (!block.startsWith("data: ")) {
                throw new AssertionError("not an SSE data line: " + block);
            }
            String data = block.substring("data: ".length());
            out.add(data.equals("[DONE]") ? JSON.getNodeFactory().textNode("[DONE]") : JSON.readTree(data));
        }
        return out;
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public void close() {
        server.close();
        served.close();
    }
}
