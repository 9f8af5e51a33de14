package dev.nemotron.train.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.json.JsonMappers;

/**
 * One line of a JSONL text data set: exactly one JSON object (nothing after it on the line), whose
 * string field holds a document. Errors name the file and line ({@code where}).
 */
public final class JsonlRecord {
    private JsonlRecord() {
    }

    /**
     * The string field {@code field} of the JSON object on {@code line}.
     *
     * @param where {@code file:line}, for errors
     * @throws NemotronException when the line is not one JSON object, or the field is missing or not a string
     */
    public static String textField(String line, String field, String where) {
        JsonNode record;
        try {
            record = Json.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new NemotronException(where + ": not valid JSON (one JSON object per line): " + JsonMappers.problem(e));
        }
        if (record == null || !record.isObject()) {
            throw new NemotronException(where + ": expected a JSON object");
        }
        JsonNode v = record.get(field);
        if (v == null || v.isNull()) {
            throw new NemotronException(where + ": no field '" + field + "'");
        }
        if (!v.isTextual()) {
            throw new NemotronException(where + ": field '" + field + "' is not a string");
        }
        return v.textValue();
    }
}
