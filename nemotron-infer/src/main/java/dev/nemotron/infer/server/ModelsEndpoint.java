package dev.nemotron.infer.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/** {@code GET /v1/models}: the one served model, as an OpenAI model list. */
final class ModelsEndpoint implements Endpoint {
    private final ServedModel served;

    ModelsEndpoint(ServedModel served) {
        this.served = served;
    }

    @Override
    public void handle(ApiExchange exchange) throws IOException {
        ObjectNode root = ServerJson.MAPPER.createObjectNode();
        root.put("object", "list");
        ObjectNode model = root.putArray("data").addObject();
        model.put("id", served.id());
        model.put("object", "model");
        model.put("created", served.created());
        model.put("owned_by", "nemotron");
        model.put("max_model_len", served.contextLength());
        exchange.sendJson(200, root);
    }
}
