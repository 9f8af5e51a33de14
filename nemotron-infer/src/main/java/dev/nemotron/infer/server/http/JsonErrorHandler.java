package dev.nemotron.infer.server.http;

import java.nio.ByteBuffer;
import java.util.function.BiFunction;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Every error Jetty answers itself, as the server's JSON error body instead of Jetty's HTML page:
 * a request Jetty could not parse (bad request line, header or {@code Content-Length}, both
 * {@code Content-Length} and {@code Transfer-Encoding}), and a request whose handling failed.
 */
final class JsonErrorHandler extends ErrorHandler {
    private final BiFunction<Integer, String, byte[]> errorBody;

    JsonErrorHandler(BiFunction<Integer, String, byte[]> errorBody) {
        this.errorBody = errorBody;
    }

    /** A request that failed before it could be handled (Jetty's parser rejected it). */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(errorBody.apply(status, message(status, reason)));
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = request.getAttribute(ERROR_STATUS) instanceof Integer s ? s : response.getStatus();
        if (status < 400) {
            status = 500;
        }
        Object reason = request.getAttribute(ERROR_MESSAGE);
        byte[] body = errorBody.apply(status, message(status, reason == null ? null : reason.toString()));
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }

    /** Jetty's reason in words a client can act on; the reasons Jetty's parser gives for framing errors are mapped. */
    static String message(int status, String reason) {
        String text = HttpStatus.getMessage(status);
        if (reason == null || reason.isBlank() || reason.equals(text)) {
            return "malformed HTTP request (" + status + " " + text + ")";
        }
        return switch (reason) {
            case "No Host" -> "an HTTP/1.1 request needs a Host header";
            case "Invalid Content-Length Value" -> "bad Content-Length header: must be a number of bytes";
            case "Multiple Content-Lengths" -> "conflicting Content-Length headers (send exactly one)";
            case "Transfer-Encoding and Content-Length" ->
                    "a request must not have both Content-Length and Transfer-Encoding";
            case "Unknown Version" -> "only HTTP/1.1 and HTTP/1.0 are supported";
            case "Bad Transfer-Encoding, chunked not last" -> "unsupported Transfer-Encoding (only chunked)";
            default -> "malformed HTTP request: " + reason;
        };
    }
}
