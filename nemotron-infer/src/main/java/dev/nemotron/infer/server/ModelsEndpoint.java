package dev.nemotron.infer.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * {@code GET /v1/models}: the one served model, as an OpenAI model list; {@code GET /v1/models/{id}}:
 * that model (the official clients' {@code models.retrieve}), 404 {@code model_not_found} for another id.
 */
final class ModelsEndpoint implements Endpoint {
    /** The path of one model, less its id. */
    static final String PREFIX = "/v1/models/";
    /** The route key of {@code GET /v1/models/{id}}. */
    static final String ONE_MODEL = "/v1/models/{model}";

    private final ServedModel served;

    ModelsEndpoint(ServedModel served) {
        this.served = served;
    }

    @Override
    public void handle(ApiExchange exchange) throws IOException {
        String path = exchange.raw().path();
        if (path.startsWith(PREFIX)) {
            String id = path.substring(PREFIX.length());
            if (!id.equals(served.id())) {
                throw new ApiException(404, ApiException.INVALID_REQUEST, "the model '" + id + "' does not exist; this "
                        + "server serves '" + served.id() + "'", "model", "model_not_found");
            }
            exchange.sendJson(200, model());
            return;
        }
        ObjectNode root = ServerJson.MAPPER.createObjectNode();
        root.put("object", "list");
        root.putArray("data").add(model());
        exchange.sendJson(200, root);
    }

    private ObjectNode model() {
        ObjectNode model = ServerJson.MAPPER.createObjectNode();
        model.put("id", served.id());
        model.put("object", "model");
        model.put("created", served.created());
        model.put("owned_by", "nemotron");
        model.put("max_model_len", served.contextLength());
        return model;
    }
}
