package dev.nemotron.arch.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A parsed HF sharded-checkpoint index ({@code model.safetensors.index.json}):
 * {@code {"metadata": {...}, "weight_map": {"tensor name": "shard file name", ...}}}.
 *
 * @param metadata  the {@code metadata} entries as text (numbers and other values rendered as
 *                  JSON), unmodifiable; empty if absent
 * @param weightMap tensor name to shard file name, in index order, unmodifiable
 */
record ShardIndex(Map<String, String> metadata, Map<String, String> weightMap) {
    /** The HF file name of the index. */
    static final String FILE_NAME = "model.safetensors.index.json";

    /**
     * Reads and validates {@code indexFile}.
     *
     * @throws SafetensorsException naming the index and the problem
     */
    static ShardIndex read(Path indexFile) {
        String text;
        try {
            text = Files.readString(indexFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw SafetensorsException.of(indexFile, "file does not exist", e);
        } catch (IOException e) {
            throw SafetensorsException.of(indexFile, "cannot read: " + SafetensorsFile.describe(e), e);
        }
        JsonNode root = Json.parse(text, indexFile, "index");
        if (!root.isObject()) {
            throw SafetensorsException.of(indexFile, "index must be a JSON object, found " + Json.show(root));
        }
        return new ShardIndex(metadata(indexFile, root.get("metadata")), weightMap(indexFile, root.get("weight_map")));
    }

    private static Map<String, String> metadata(Path file, JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw SafetensorsException.of(file, "\"metadata\" must be an object, found " + Json.show(node));
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode v = e.getValue();
            out.put(e.getKey(), v.isTextual() ? v.textValue() : v.toString());
        }
        return Collections.unmodifiableMap(out);
    }

    private static Map<String, String> weightMap(Path file, JsonNode node) {
        if (node == null) {
            throw SafetensorsException.of(file, "index has no \"weight_map\"");
        }
        if (!node.isObject()) {
            throw SafetensorsException.of(file, "\"weight_map\" must be an object, found " + Json.show(node));
        }
        if (node.isEmpty()) {
            throw SafetensorsException.of(file, "\"weight_map\" is empty");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode v = e.getValue();
            if (!v.isTextual()) {
                throw SafetensorsException.of(file, "weight_map entry '" + e.getKey()
                        + "' must be a shard file name, found " + Json.show(v));
            }
            String shard = v.textValue();
            if (!isPlainFileName(shard)) {
                throw SafetensorsException.of(file, "weight_map entry '" + e.getKey() + "' names shard '"
                        + shard + "', which is not a plain file name in the checkpoint directory");
            }
            out.put(e.getKey(), shard);
        }
        return Collections.unmodifiableMap(out);
    }

    /** True for a non-empty name without separators that does not leave the directory. */
    private static boolean isPlainFileName(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..")
                && name.indexOf('/') < 0 && name.indexOf('\\') < 0 && name.indexOf('\0') < 0;
    }
}
