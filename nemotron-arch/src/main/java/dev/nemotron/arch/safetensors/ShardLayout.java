package dev.nemotron.arch.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import dev.nemotron.api.tensor.Tensor;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;

/** HF sharding conventions: splitting into shards, shard names, the index JSON. */
final class ShardLayout {
    private static final Pattern SHARD_NAME = Pattern.compile("model-\\d{5}-of-\\d{5}\\.safetensors");

    private ShardLayout() {
    }

    /** Greedy split in iteration order; a tensor over the limit gets a shard of its own. */
    static List<Map<String, Tensor>> split(Map<String, Tensor> tensors, long maxShardBytes) {
        return split(tensors, t -> t.data().byteSize(), maxShardBytes);
    }

    /** {@link #split(Map, long)} for entries whose size {@code bytes} tells. */
    static <T> List<Map<String, T>> split(Map<String, T> tensors, ToLongFunction<T> byteSize, long maxShardBytes) {
        List<Map<String, T>> groups = new ArrayList<>();
        Map<String, T> current = new LinkedHashMap<>();
        long size = 0;
        for (Map.Entry<String, T> e : tensors.entrySet()) {
            long bytes = byteSize.applyAsLong(e.getValue());
            if (!current.isEmpty() && bytes > maxShardBytes - size) {
                groups.add(current);
                current = new LinkedHashMap<>();
                size = 0;
            }
            current.put(e.getKey(), e.getValue());
            size += bytes;
        }
        groups.add(current);
        return groups;
    }

    /** {@code model-00001-of-00003.safetensors} for {@code i = 1, n = 3}. */
    static String shardName(int i, int n) {
        return String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", i, n);
    }

    /** The index as HF writes it: keys sorted, two-space indent, trailing newline. */
    static byte[] indexJson(long totalSize, Map<String, String> metadata, Map<String, String> weightMap) {
        Map<String, Object> meta = new TreeMap<>(metadata);
        meta.put("total_size", totalSize);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("metadata", meta);
        root.put("weight_map", new TreeMap<>(weightMap));
        DefaultPrettyPrinter pp = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER));
        try {
            return SafetensorsWriter.utf8(Json.MAPPER.writer(pp).writeValueAsString(root) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize an index", e);
        }
    }

    /** Deletes shard-pattern files not in {@code keep}, and a {@code model.safetensors}. */
    static void deleteStale(Path dir, List<Path> keep) {
        Set<String> names = new HashSet<>();
        keep.forEach(p -> names.add(p.getFileName().toString()));
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if ((SHARD_NAME.matcher(n).matches() && !names.contains(n)) || n.equals(Checkpoint.SINGLE_FILE)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw SafetensorsException.of(dir, "cannot remove stale shards: " + SafetensorsFile.describe(e), e);
        }
    }
}
