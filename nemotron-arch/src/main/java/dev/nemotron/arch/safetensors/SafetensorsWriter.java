package dev.nemotron.arch.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.io.AtomicFiles;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Writes safetensors files in the layout of the HF reference implementation: the JSON header is
 * padded with spaces so that the data section starts at a multiple of 8 bytes, and the tensors
 * are laid out contiguously in the iteration order of the given map (use a
 * {@link LinkedHashMap} to choose it).
 *
 * <p>Every file is written to a temporary file in the target directory and then atomically
 * renamed over the target, so a failure or crash never leaves a half-written file under the real
 * name: the previous file, if any, stays intact, and the temporary file is deleted on failure.
 */
public final class SafetensorsWriter {
    private static final int ALIGNMENT = 8;
    private static final long CHUNK = 64L << 20;
    private static final long HEAP_CHUNK = 1L << 20;

    private SafetensorsWriter() {
    }

    /** Writes {@code tensors} without metadata; see {@link #write(Path, Map, Map)}. */
    public static void write(Path file, Map<String, Tensor> tensors) {
        write(file, tensors, Map.of());
    }

    /**
     * Writes {@code tensors} (in iteration order) and {@code metadata} (the header's
     * {@code __metadata__}, omitted when empty or null) to {@code file}, atomically replacing it.
     *
     * @throws IllegalArgumentException if a tensor is named {@code __metadata__} or null
     * @throws SafetensorsException if the file cannot be written; the previous file is intact
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        byte[] header = header(tensors, metadata);
        writeAtomically(file, ch -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            len.putLong(0, header.length);
            writeFully(ch, len);
            writeFully(ch, ByteBuffer.wrap(header));
            for (Tensor t : tensors.values()) {
                writeSegment(ch, t.data());
            }
        });
    }

    /**
     * Writes {@code tensors} as an HF sharded checkpoint in {@code dir} (created if missing): shards named
     * {@code model-00001-of-0000N.safetensors} and the index {@code model.safetensors.index.json}
     * ({@code {"metadata": {"total_size": ..., ...metadata}, "weight_map": {...}}}, keys sorted and
     * indented as HF writes it). Tensors are assigned in iteration order, greedily: a shard is
     * closed when the next tensor would take it past {@code maxShardBytes} of tensor data; a
     * tensor larger than the limit gets a shard of its own. An index is written even for a single
     * shard. {@code metadata} goes into every shard's {@code __metadata__} and into the index.
     *
     * <p>Each file is replaced atomically and the index is written last; afterwards, shard files of
     * the {@code model-NNNNN-of-NNNNN.safetensors} pattern that the new index does not name, and a
     * {@code model.safetensors} (which readers would prefer to the index), are deleted.
     *
     * @return the shard files written, in order
     * @throws IllegalArgumentException if {@code maxShardBytes} is not positive or a name is invalid
     * @throws SafetensorsException if a file cannot be written
     */
    public static List<Path> writeSharded(Path dir, Map<String, Tensor> tensors, long maxShardBytes,
            Map<String, String> metadata) {
        // the tensors are all there: their plan is their dtypes and shapes, and producing one is looking it up
        Map<String, Planned> plan = new LinkedHashMap<>();
        tensors.forEach((name, t) -> {
            if (t.dtype().isBlockQuantized()) {
                throw new IllegalArgumentException("tensor '" + name + "' is " + t.dtype()
                        + ", which safetensors cannot store: dequantize it (Tensor.toFloatArray) or export GGUF");
            }
            plan.put(name, new Planned(t.dtype(), t.shape()));
        });
        return writeSharded(dir, plan, (name, arena) -> tensors.get(name), maxShardBytes, metadata);
    }

    /**
     * A tensor to be written, known by its dtype and shape before its values are computed.
     *
     * @param dtype the element type written
     * @param shape the shape written
     */
    public record Planned(DType dtype, long[] shape) {
        public Planned {
            Objects.requireNonNull(dtype, "dtype");
            shape = shape.clone();
            Tensor.numel(shape);
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        /** Bytes of data: {@code numel(shape) * dtype.byteSize()}. */
        public long byteSize() {
            return Math.multiplyExact(Tensor.numel(shape), dtype.byteSize());
        }
    }

    /** Computes one planned tensor's values when the writer reaches it. */
    @FunctionalInterface
    public interface Producer {
        /**
         * The values of tensor {@code name}: a tensor of exactly the planned dtype and shape. Memory it
         * allocates from {@code arena} is freed as soon as the tensor is written.
         */
        Tensor produce(String name, Arena arena);
    }

    /**
     * {@link #writeSharded(Path, Map, long, Map)} for tensors computed one at a time: the layout
     * (shards, headers, index) follows from {@code plan} alone, and each tensor is produced,
     * written and freed before the next, so memory holds one tensor at a time, whatever the
     * checkpoint's size (merging, pruning).
     *
     * @throws IllegalArgumentException if a produced tensor's dtype or shape differs from the plan
     */
    public static List<Path> writeSharded(Path dir, Map<String, Planned> plan, Producer producer, long maxShardBytes,
            Map<String, String> metadata) {
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("maxShardBytes must be positive, got " + maxShardBytes);
        }
        if (plan.isEmpty()) {
            throw new IllegalArgumentException("no tensors to write");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw SafetensorsException.of(dir, "cannot create the directory: " + SafetensorsFile.describe(e), e);
        }
        List<Map<String, Planned>> groups = ShardLayout.split(plan, Planned::byteSize, maxShardBytes);
        Map<String, String> meta = metadata == null ? Map.of() : metadata;
        List<Path> written = new ArrayList<>();
        Map<String, String> weightMap = new TreeMap<>();
        long total = 0;
        for (int i = 0; i < groups.size(); i++) {
            String name = ShardLayout.shardName(i + 1, groups.size());
            Path shard = dir.resolve(name);
            Map<String, Planned> group = groups.get(i);
            byte[] header = plannedHeader(group, meta);
            writeAtomically(shard, ch -> {
                ByteBuffer len = ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                len.putLong(0, header.length);
                writeFully(ch, len);
                writeFully(ch, ByteBuffer.wrap(header));
                for (Map.Entry<String, Planned> e : group.entrySet()) {
                    try (Arena arena = Arena.ofConfined()) {
                        Tensor t = producer.produce(e.getKey(), arena);
                        Planned p = e.getValue();
                        if (t.dtype() != p.dtype() || !Arrays.equals(t.shape(), p.shape())) {
                            throw new IllegalArgumentException(e.getKey() + ": produced " + t.dtype()
                                    + Arrays.toString(t.shape()) + " but planned " + p.dtype() + Arrays.toString(p.shape()));
                        }
                        writeSegment(ch, t.data());
                    }
                }
            });
            written.add(shard);
            for (Map.Entry<String, Planned> e : group.entrySet()) {
                weightMap.put(e.getKey(), name);
                total = Math.addExact(total, e.getValue().byteSize());
            }
        }
        byte[] index = ShardLayout.indexJson(total, meta, weightMap);
        writeAtomically(dir.resolve(ShardIndex.FILE_NAME), ch -> writeFully(ch, ByteBuffer.wrap(index)));
        ShardLayout.deleteStale(dir, written);
        return List.copyOf(written);
    }

    /** The header JSON, padded with spaces to a multiple of 8 bytes. */
    static byte[] header(Map<String, Tensor> tensors, Map<String, String> metadata) {
        Map<String, Planned> plan = new LinkedHashMap<>();
        tensors.forEach((name, t) -> plan.put(name, new Planned(t.dtype(), t.shape())));
        return plannedHeader(plan, metadata);
    }

    /** The header JSON of tensors known by dtype and shape, padded with spaces to a multiple of 8 bytes. */
    static byte[] plannedHeader(Map<String, Planned> tensors, Map<String, String> metadata) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = root.putObject(HeaderParser.METADATA_KEY);
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (Map.Entry<String, Planned> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null || name.equals(HeaderParser.METADATA_KEY)) {
                throw new IllegalArgumentException("invalid tensor name: " + name);
            }
            Planned t = e.getValue();
            if (t.dtype().isBlockQuantized()) {
                throw new IllegalArgumentException("tensor '" + name + "' is " + t.dtype()
                        + ", which safetensors cannot store: dequantize it (Tensor.toFloatArray) or export GGUF");
            }
            long size = t.byteSize();
            ObjectNode entry = root.putObject(name);
            entry.put("dtype", t.dtype().safetensorsName());
            ArrayNode shape = entry.putArray("shape");
            Arrays.stream(t.shape()).forEach(shape::add);
            entry.putArray("data_offsets").add(offset).add(Math.addExact(offset, size));
            offset += size;
        }
        byte[] json;
        try {
            json = Json.MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a header", e);
        }
        int padded = (json.length + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    private static void writeSegment(FileChannel ch, MemorySegment seg) throws IOException {
        long size = seg.byteSize();
        if (seg.isNative()) {
            for (long pos = 0; pos < size; pos += CHUNK) {
                writeFully(ch, seg.asSlice(pos, Math.min(CHUNK, size - pos)).asByteBuffer());
            }
            return;
        }
        // a heap segment over a non-byte array cannot be viewed as a ByteBuffer: copy in chunks
        ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(HEAP_CHUNK, Math.max(size, 1)));
        MemorySegment bufSeg = MemorySegment.ofBuffer(buf);
        for (long pos = 0; pos < size; pos += buf.capacity()) {
            int n = (int) Math.min(buf.capacity(), size - pos);
            MemorySegment.copy(seg, pos, bufSeg, 0, n);
            writeFully(ch, buf.clear().limit(n));
        }
    }

    static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /** Encodes text as UTF-8 bytes (used for the index). */
    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Writes {@code target} whole or not at all ({@link AtomicFiles}).
     *
     * @throws SafetensorsException for I/O errors (other exceptions from {@code content} propagate)
     */
    private static void writeAtomically(Path target, AtomicFiles.ChannelContent content) {
        try {
            AtomicFiles.write(target, content);
        } catch (IOException e) {
            throw SafetensorsException.of(target, "cannot write: " + SafetensorsFile.describe(e), e);
        }
    }
}
