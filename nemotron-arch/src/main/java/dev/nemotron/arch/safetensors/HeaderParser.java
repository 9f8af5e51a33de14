package dev.nemotron.arch.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron.api.tensor.DType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Parses and validates the JSON header of a safetensors file against its data section size. */
final class HeaderParser {
    /** The key of the optional string-to-string metadata object. */
    static final String METADATA_KEY = "__metadata__";

    /**
     * A validated header.
     *
     * @param metadata the {@code __metadata__} entries (empty if absent), unmodifiable
     * @param tensors  the tensors in header order, unmodifiable
     */
    record Header(Map<String, String> metadata, Map<String, TensorInfo> tensors) {
    }

    private final Path file;

    private HeaderParser(Path file) {
        this.file = file;
    }

    /**
     * Parses {@code json}, the header of {@code file}, whose data section is {@code dataSize}
     * bytes long.
     *
     * @throws SafetensorsException naming the file and the first problem found
     */
    static Header parse(Path file, String json, long dataSize) {
        return new HeaderParser(file).parse(json, dataSize);
    }

    private Header parse(String json, long dataSize) {
        JsonNode root = Json.parse(json, file, "header");
        if (!root.isObject()) {
            throw error("header is a JSON " + root.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                    + ", expected an object");
        }
        Map<String, String> metadata = Map.of();
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (e.getKey().equals(METADATA_KEY)) {
                metadata = metadata(e.getValue());
            } else {
                tensors.put(e.getKey(), tensor(e.getKey(), e.getValue(), dataSize));
            }
        }
        checkOverlaps(tensors.values());
        return new Header(metadata, Collections.unmodifiableMap(tensors));
    }

    private Map<String, String> metadata(JsonNode node) {
        if (!node.isObject()) {
            throw error(METADATA_KEY + " must be an object of strings, found " + Json.show(node));
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw error(METADATA_KEY + " value of '" + e.getKey() + "' must be a string, found "
                        + Json.show(e.getValue()));
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return Collections.unmodifiableMap(out);
    }

    private TensorInfo tensor(String name, JsonNode node, long dataSize) {
        if (!node.isObject()) {
            throw error("tensor '" + name + "' must be an object, found " + Json.show(node));
        }
        DType dtype = dtype(name, node.get("dtype"));
        long[] shape = shape(name, node.get("shape"));
        long[] offsets = offsets(name, node.get("data_offsets"));
        long begin = offsets[0];
        long end = offsets[1];
        String range = "[" + begin + ", " + end + ")";
        if (begin > end) {
            throw error("tensor '" + name + "' data_offsets " + range + " begin after they end");
        }
        long expected;
        try {
            expected = Math.multiplyExact(numel(shape), dtype.byteSize());
        } catch (ArithmeticException overflow) {
            throw error("tensor '" + name + "' shape " + Arrays.toString(shape)
                    + " has too many elements (the byte size overflows 64 bits)");
        }
        if (end - begin != expected) {
            throw error("tensor '" + name + "' data " + range + " is " + (end - begin) + " bytes, but "
                    + dtype.safetensorsName() + Arrays.toString(shape) + " needs " + expected + " bytes");
        }
        if (end > dataSize) {
            throw error("tensor '" + name + "' data " + range
                    + " extends past the end of the data section (" + dataSize + " bytes)");
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private DType dtype(String name, JsonNode node) {
        if (node == null) {
            throw error("tensor '" + name + "' has no dtype");
        }
        if (!node.isTextual()) {
            throw error("tensor '" + name + "' dtype must be a string, found " + Json.show(node));
        }
        return DType.fromSafetensorsName(node.textValue()).orElseThrow(() -> error(
                "tensor '" + name + "' has unknown dtype '" + node.textValue() + "' (known: "
                        + Arrays.stream(DType.values()).filter(t -> !t.isBlockQuantized()).map(DType::safetensorsName)
                                .collect(Collectors.joining(", ")) + ")"));
    }

    private long[] shape(String name, JsonNode node) {
        if (node == null) {
            throw error("tensor '" + name + "' has no shape");
        }
        if (!node.isArray()) {
            throw error("tensor '" + name + "' shape must be an array, found " + Json.show(node));
        }
        long[] shape = new long[node.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = nonNegative(node.get(i), "tensor '" + name + "' shape " + Json.show(node)
                    + ": dimension " + i);
        }
        return shape;
    }

    private long[] offsets(String name, JsonNode node) {
        String what = "tensor '" + name + "' data_offsets";
        if (node == null) {
            throw error("tensor '" + name + "' has no data_offsets");
        }
        if (!node.isArray() || node.size() != 2) {
            throw error(what + " must be [begin, end], found " + Json.show(node));
        }
        return new long[] {nonNegative(node.get(0), what + " begin"), nonNegative(node.get(1), what + " end")};
    }

    private long nonNegative(JsonNode n, String what) {
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw error(what + " must be a non-negative integer, found " + Json.show(n));
        }
        long v = n.longValue();
        if (v < 0) {
            throw error(what + " must be a non-negative integer, found " + v);
        }
        return v;
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Sorts by begin and checks each tensor starts at or after the end of the one before. */
    private void checkOverlaps(Iterable<TensorInfo> infos) {
        List<TensorInfo> sorted = new ArrayList<>();
        infos.forEach(sorted::add);
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        TensorInfo prev = null;
        for (TensorInfo t : sorted) {
            if (t.byteSize() == 0) {
                continue; // an empty tensor occupies no bytes and overlaps nothing
            }
            if (prev != null && t.begin() < prev.end()) {
                throw error("tensors '" + prev.name() + "' [" + prev.begin() + ", " + prev.end() + ") and '"
                        + t.name() + "' [" + t.begin() + ", " + t.end() + ") overlap");
            }
            prev = t;
        }
    }

    private SafetensorsException error(String problem) {
        return SafetensorsException.of(file, problem);
    }
}
