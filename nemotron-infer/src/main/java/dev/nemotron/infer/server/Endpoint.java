package dev.nemotron.infer.server;

import java.io.IOException;

/** One route of the server. Throwing answers an error (see {@link ApiErrors}) unless a response has begun. */
interface Endpoint {
    void handle(ApiExchange exchange) throws IOException, InterruptedException;
}
