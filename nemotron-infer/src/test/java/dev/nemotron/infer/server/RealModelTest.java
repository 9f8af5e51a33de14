package dev.nemotron.infer.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.safetensors.SafetensorsFile;
import dev.nemotron.infer.engine.EngineConfig;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on the real fixture model (tiny-nemotron-h-a, loaded by {@link ServedModel#load} with the
 * Java backend): it has no tokenizer, so completions take token-id prompts; greedy output must be
 * HF's {@code generate} output.
 */
class RealModelTest {
    static final Path MODEL = dev.nemotron.testing.Fixtures.dir("tiny-nemotron-h-a");

    static int[] ints(Tensor t) {
        int[] out = new int[(int) t.numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.toIntExact(t.getLong(i));
        }
        return out;
    }

    @Test
    void greedyCompletionOverHttpReproducesHfGenerate() throws Exception {
        int[] prompt;
        int[] expected;
        try (SafetensorsFile g = SafetensorsFile.open(MODEL.resolve("golden.safetensors"))) {
            prompt = ints(g.tensor("generate.prompt_ids"));
            expected = ints(g.tensor("generate.output_ids"));
        }
        int[] generated = Arrays.copyOfRange(expected, prompt.length, expected.length);
        ModelOptions options = new ModelOptions("java", new EngineConfig(4, 8, 1L << 30), null, ChatTemplateChoice.AUTO);
        try (ServedModel served = ServedModel.load(MODEL, options);
             OpenAiServer server = OpenAiServer.start(served, ServerConfig.defaults())) {
            assertThat(served.id()).isEqualTo("tiny-nemotron-h-a");
            assertThat(served.contextLength()).isEqualTo(4096);
            assertThat(served.chatTemplate()).isNull();
            HttpClient client = HttpClient.newHttpClient();
            ObjectNode body = TestServer.JSON.createObjectNode();
            body.put("model", "tiny-nemotron-h-a");
            ArrayNode ids = body.putArray("prompt");
            Arrays.stream(prompt).forEach(ids::add);
            body.put("max_tokens", generated.length);
            body.put("temperature", 0);
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(server.baseUri().resolve("/v1/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode o = TestServer.JSON.readTree(r.body());
            JsonNode tokens = o.get("choices").get(0).get("token_ids");
            int[] got = new int[tokens.size()];
            for (int i = 0; i < got.length; i++) {
                got[i] = tokens.get(i).asInt();
            }
            assertThat(got).containsExactly(generated);
            assertThat(o.get("usage").get("prompt_tokens").asInt()).isEqualTo(prompt.length);

            // streamed: ids-only models send no text, but the stream still ends properly
            body.put("stream", true);
            String sse = client.send(HttpRequest.newBuilder(server.baseUri().resolve("/v1/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString()).body();
            List<JsonNode> events = TestServer.events(sse);
            assertThat(events.getLast().asText()).isEqualTo("[DONE]");
            assertThat(events.get(events.size() - 2).get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");

            // chat needs a tokenizer
            HttpResponse<String> chat = client.send(HttpRequest.newBuilder(server.baseUri().resolve("/v1/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(chat.statusCode()).isEqualTo(400);
            assertThat(chat.body()).contains("no tokenizer");
        }
    }

    @Test
    void aMissingDirectoryIsAUserError(@TempDir Path dir) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ServedModel.load(dir.resolve("nope"), ModelOptions.defaults()))
                .isInstanceOf(NemotronException.class).hasMessageContaining("not a model directory");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ServedModel.load(dir, ModelOptions.defaults()))
                .isInstanceOf(NemotronException.class).hasMessageContaining("no config.json");
    }
}
