package dev.nemotron.eval.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One problem of a data set: its position and its fields (one JSON object, e.g. a JSONL line).
 *
 * @param index  position in the data set, from 0 (the doc's identity in samples files)
 * @param fields the record
 * @param where  where it came from, for messages (e.g. {@code gsm8k_test.jsonl:12})
 */
public record Doc(int index, ObjectNode fields, String where) {
    public Doc {
        Objects.requireNonNull(fields, "fields");
        Objects.requireNonNull(where, "where");
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, got " + index);
        }
    }

    /** The value at a dotted path ({@code "a.b"}, list elements by number: {@code "choices.0"}), or null. */
    public JsonNode get(String path) {
        JsonNode cur = fields;
        for (String part : path.split("\\.", -1)) {
            if (cur == null) {
                return null;
            }
            if (cur.isArray()) {
                try {
                    cur = cur.get(Integer.parseInt(part));
                } catch (NumberFormatException e) {
                    return null;
                }
            } else {
                cur = cur.get(part);
            }
        }
        return cur == null || cur.isNull() || cur.isMissingNode() ? null : cur;
    }
}
