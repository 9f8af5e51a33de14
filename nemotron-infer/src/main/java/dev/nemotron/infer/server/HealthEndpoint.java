package dev.nemotron.infer.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.function.IntSupplier;

/** {@code GET /health}: 200 {@code {"status":"ok"}} with the engine's running and queued counts. */
final class HealthEndpoint implements Endpoint {
    private final ServedModel served;
    private final IntSupplier inFlight;

    HealthEndpoint(ServedModel served, IntSupplier inFlight) {
        this.served = served;
        this.inFlight = inFlight;
    }

    @Override
    public void handle(ApiExchange exchange) throws IOException {
        ObjectNode root = ServerJson.MAPPER.createObjectNode();
        root.put("status", "ok");
        root.put("model", served.id());
        root.put("running", served.engine().runningCount());
        root.put("queued", served.engine().queuedCount());
        root.put("in_flight", inFlight.getAsInt());
        root.put("reserved_cache_bytes", served.engine().reservedBytes());
        exchange.sendJson(200, root);
    }
}
