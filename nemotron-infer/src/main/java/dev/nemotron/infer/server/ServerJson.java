package dev.nemotron.infer.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.api.json.JsonMappers;

/** The server's one Jackson mapper. */
final class ServerJson {
    /** Rejects trailing tokens after the body's JSON value; duplicate keys are an error. */
    static final ObjectMapper MAPPER = JsonMappers.strict();

    private ServerJson() {
    }
}
