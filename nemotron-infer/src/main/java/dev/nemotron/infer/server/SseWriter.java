package dev.nemotron.infer.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Server-sent events as OpenAI streams them: {@code data: <json>} lines, each followed by a blank
 * line and flushed at once, ending with {@code data: [DONE]}. A write that fails throws: the
 * client has gone, and the caller cancels the generation.
 */
final class SseWriter {
    private final OutputStream out;

    SseWriter(OutputStream out) {
        this.out = out;
    }

    void send(JsonNode event) throws IOException {
        write("data: " + ServerJson.MAPPER.writeValueAsString(event) + "\n\n");
    }

    void done() throws IOException {
        write("data: [DONE]\n\n");
    }

    private void write(String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
