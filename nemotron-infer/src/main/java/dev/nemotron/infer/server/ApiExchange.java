package dev.nemotron.infer.server;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.infer.server.http.Exchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/** One HTTP exchange as the endpoints see it: a JSON body in, JSON or server-sent events out. */
final class ApiExchange {
    /** Bytes of an over-long body read and dropped before answering 413, so the client can read the answer. */
    private static final long DRAIN_LIMIT = 64L << 20;

    private final Exchange exchange;
    private final long maxBodyBytes;
    private JsonNode json;

    ApiExchange(Exchange exchange, long maxBodyBytes) {
        this.exchange = exchange;
        this.maxBodyBytes = maxBodyBytes;
    }

    Exchange raw() {
        return exchange;
    }

    /** Whether the status line has been sent (an error can then no longer be answered as JSON). */
    boolean responded() {
        return exchange.responded();
    }

    /**
     * The body parsed as JSON: 413 when larger than the limit, 400 when empty or not JSON. Read once:
     * the router reads it before a generation takes an in-flight place, so a slow upload holds none.
     */
    JsonNode readJson() throws IOException {
        if (json == null) {
            json = parse(readBody());
        }
        return json;
    }

    private JsonNode parse(byte[] body) throws IOException {
        if (body.length == 0) {
            throw ApiException.badRequest("the request body is empty; send a JSON object", null);
        }
        String text;
        try {
            // JSON between systems is UTF-8 (RFC 8259); Jackson would guess UTF-16/32 from zero bytes
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw ApiException.badRequest("the request body is not valid UTF-8; send JSON encoded as UTF-8", null);
        }
        try {
            return ServerJson.MAPPER.readTree(text);
        } catch (JacksonException e) {
            throw ApiException.badRequest("the request body is not valid JSON: " + JsonMappers.describe(e), null);
        }
    }

    private byte[] readBody() throws IOException {
        String length = exchange.header("Content-Length");   // well-formed: the HTTP layer checked it
        InputStream in = exchange.body();
        if (length != null && Long.parseLong(length.split(",")[0].strip()) > maxBodyBytes) {
            throw tooLarge(in);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
            if (out.size() > maxBodyBytes) {
                throw tooLarge(in);
            }
        }
        return out.toByteArray();
    }

    private ApiException tooLarge(InputStream in) throws IOException {
        long drained = 0;
        byte[] buf = new byte[65536];
        int n;
        while (drained < DRAIN_LIMIT && (n = in.read(buf)) > 0) {
            drained += n;
        }
        exchange.closeAfter();
        return new ApiException(413, ApiException.INVALID_REQUEST, "the request body is larger than the server's limit of "
                + maxBodyBytes + " bytes", null, null);
    }

    void sendJson(int status, JsonNode body) throws IOException {
        byte[] bytes = ServerJson.MAPPER.writeValueAsBytes(body);
        exchange.setHeader("Content-Type", "application/json");
        exchange.send(status, bytes);
    }

    void sendError(ApiException e) throws IOException {
        if (e.status() == 429) {
            exchange.setHeader("Retry-After", "1");
        } else if (e.status() == 401) {
            exchange.setHeader("WWW-Authenticate", "Bearer");
        }
        sendJson(e.status(), e.toJson());
    }

    /** Sends the 200 status line and event-stream headers; the body is then written event by event. */
    SseWriter startEvents() throws IOException {
        exchange.setHeader("Content-Type", "text/event-stream; charset=utf-8");
        exchange.setHeader("Cache-Control", "no-cache");
        return new SseWriter(exchange.startStream(200));
    }
}
