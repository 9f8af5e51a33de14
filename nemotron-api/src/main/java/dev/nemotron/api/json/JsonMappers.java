package dev.nemotron.api.json;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one place the SDK sets up Jackson. Every mapper rejects content after the first JSON value
 * ({@code {"a":1} x}) and, except {@link #strict()}, reads {@code NaN} and {@code Infinity} (real
 * HF configs and metrics files contain them). Each call returns a fresh mapper, so a caller that changes its own
 * cannot change anyone else's; keep it in a {@code static final} field.
 */
public final class JsonMappers {
    private JsonMappers() {
    }

    /** The project's settings: non-numeric numbers read, trailing content rejected. */
    public static JsonMapper.Builder builder() {
        return JsonMapper.builder()
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** The plain mapper (compact output). */
    public static ObjectMapper json() {
        return builder().build();
    }

    /**
     * Standard JSON only, for input from the network and for formats whose specification is plain
     * JSON (server requests, safetensors headers, pipeline and task specs): as {@link #json()}, but
     * {@code NaN}/{@code Infinity} literals are an error, and so is a key given twice in one
     * object (not "last one wins").
     */
    public static ObjectMapper strict() {
        return builder()
                .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
    }

    /** As {@link #json()}, writing indented output. */
    public static ObjectMapper pretty() {
        return builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    }

    /** As {@link #json()}, writing map entries sorted by key (a canonical form to hash or compare). */
    public static ObjectMapper canonical() {
        return builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();
    }

    /**
     * For files written by other tools (HF {@code config.json}): as {@link #json()}, also
     * accepting a trailing comma ({@code [1, 2,]}).
     */
    public static ObjectMapper lenient() {
        return builder().enable(JsonReadFeature.ALLOW_TRAILING_COMMA).build();
    }

    /**
     * For binding records whose JSON fields are snake_case: indented output, and fields the record
     * does not have are ignored.
     */
    public static ObjectMapper snakeCaseBinding() {
        return builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    /**
     * A Jackson parse failure as one line for a user: the parser's complaint without its source
     * excerpt or Java type names, and where it was ({@code " (line L, column C)"}). Text after
     * the first value reads "unexpected text after the JSON value".
     */
    public static String describe(JacksonException e) {
        String first = problem(e);
        JsonLocation loc = e.getLocation();
        if (loc != null && loc.getLineNr() > 0) {
            return first + " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
        }
        return first;
    }

    /** {@link #describe} without the location. */
    public static String problem(JacksonException e) {
        String msg = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        String first = msg.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse(msg);
        if (first.startsWith("Trailing token")) {
            first = "unexpected text after the JSON value (one JSON value expected)";
        } else if (first.contains("com.fasterxml") || first.contains("`java.")) {
            first = "a value of the wrong type";
        }
        return first;
    }
}
