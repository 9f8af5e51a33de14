package dev.nemotron.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.api.json.JsonMappers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Conversions between Jackson trees and the plain JSON values of the stage SPI ({@code null},
 * {@code String}, {@code Boolean}, {@code Number}, {@code List}, {@code Map}), and the digest of
 * a value.
 */
final class JsonTrees {
    /** Sorted keys, no indentation: the same value always gives the same bytes. */
    private static final ObjectMapper CANONICAL = JsonMappers.canonical();
    static final ObjectMapper MAPPER = JsonMappers.pretty();

    private JsonTrees() {
    }

    /** {@code node} as a plain value; maps keep the document's order. */
    static Object toPlain(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isObject()) {
            Map<String, Object> out = new LinkedHashMap<>();
            node.properties().forEach(e -> out.put(e.getKey(), toPlain(e.getValue())));
            return out;
        }
        if (node.isArray()) {
            List<Object> out = new ArrayList<>(node.size());
            node.forEach(n -> out.add(toPlain(n)));
            return out;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToInt() ? (Object) node.intValue() : node.canConvertToLong() ? (Object) node.longValue()
                    : node.bigIntegerValue();
        }
        if (node.isNumber()) {
            return node.isBigDecimal() ? node.decimalValue() : node.doubleValue();
        }
        return node.asText();
    }

    /** A plain value as a tree. */
    static JsonNode toTree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** {@code "sha256:"} and the hex SHA-256 of the canonical JSON (sorted keys) of {@code value}. */
    static String digest(Object value) {
        try {
            byte[] json = CANONICAL.writeValueAsString(value).getBytes(StandardCharsets.UTF_8);
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot digest " + value, e);
        }
    }
}
