package dev.nemotron.infer.server;

import dev.nemotron.api.NemotronException;
import dev.nemotron.infer.engine.EngineOverloadedException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Maps whatever a request handler throws to the {@link ApiException} the client sees. */
final class ApiErrors {
    /** Validation messages of the SDK start with the OpenAI field name: "top_p must be in (0, 1], got 2.0". */
    private static final Pattern LEADING_FIELD = Pattern.compile("^([a-z_]+) must ");

    private ApiErrors() {
    }

    static ApiException map(Throwable e) {
        if (e instanceof ApiException api) {
            return api;
        }
        if (e instanceof EngineOverloadedException overloaded) {
            return new ApiException(429, "rate_limit_error", overloaded.getMessage(), null, null);
        }
        if (e instanceof NemotronException user) {
            Matcher m = LEADING_FIELD.matcher(String.valueOf(user.getMessage()));
            return ApiException.badRequest(user.getMessage(), m.find() ? m.group(1) : null);
        }
        return new ApiException(500, "server_error", "internal server error: " + e, null, null);
    }
}
