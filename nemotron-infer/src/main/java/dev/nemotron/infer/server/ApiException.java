package dev.nemotron.infer.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;

/**
 * An error answered to the HTTP client as OpenAI does:
 * {@code {"error":{"message":…,"type":…,"param":…,"code":…}}} with an HTTP status.
 */
public final class ApiException extends NemotronException {
    private static final long serialVersionUID = 1L;

    /** OpenAI's type for a request the client must fix. */
    public static final String INVALID_REQUEST = "invalid_request_error";

    private final int status;
    private final String type;
    private final String param;
    private final String code;

    /** {@code message} is made one line ({@link NemotronException#oneLine}): it may quote untrusted request values. */
    public ApiException(int status, String type, String message, String param, String code) {
        super(oneLine(message));
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    /** 400: the request is malformed or out of range; {@code param} names the field, or null. */
    public static ApiException badRequest(String message, String param) {
        return new ApiException(400, INVALID_REQUEST, message, param, null);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, INVALID_REQUEST, message, null, null);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }

    /** The response body. */
    public ObjectNode toJson() {
        ObjectNode root = ServerJson.MAPPER.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", getMessage());
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return root;
    }
}
