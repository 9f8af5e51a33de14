package dev.nemotron.backend.onnx.graph;

import com.google.protobuf.ByteString;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.DeviceWeights;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.backend.onnx.proto.Onnx.StringStringEntryProto;
import dev.nemotron.backend.onnx.proto.Onnx.TensorProto;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The weights of an export: each tensor the graphs ask for is read from the checkpoint (its shape
 * checked against the one the graph needs) or generated from a seed, converted to the export's
 * weight type and written once into the external data file ({@value #FILE_NAME}, offsets aligned
 * to 4096 bytes so that runtimes may memory-map it); tensors under 4 KiB stay inline. Both graphs
 * reference the same file. A graph casts every non-f32 weight to float32 right after reading it.
 */
public final class WeightWriter implements AutoCloseable {
    /** The external data file next to the graphs. */
    public static final String FILE_NAME = "weights.bin";
    private static final int ALIGN = 4096;
    private static final int INLINE_BYTES = 4096;
    private static final int BLOCK = 1 << 20;

    private final DeviceWeights weights;
    private final DType type;
    private final FileChannel file;
    private final Map<String, TensorProto> written = new HashMap<>();
    private long offset;
    private long elementCount;

    /**
     * @param type F32, F16 or BF16: the element type the weights are stored in
     * @param dir  the export directory the data file is created in
     */
    public WeightWriter(DeviceWeights weights, DType type, Path dir) throws IOException {
        if (type != DType.F32 && type != DType.F16 && type != DType.BF16) {
            throw new IllegalArgumentException("ONNX weight type must be f32, f16 or bf16, got " + type);
        }
        this.weights = weights;
        this.type = type;
        this.file = FileChannel.open(dir.resolve(FILE_NAME), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    /** The ONNX element type of the stored weights. */
    public int onnxType() {
        return switch (type) {
            case F16 -> GraphBuilder.FLOAT16;
            case BF16 -> GraphBuilder.BFLOAT16;
            default -> GraphBuilder.FLOAT;
        };
    }

    /** Parameters written so far. */
    public long elementCount() {
        return elementCount;
    }

    /**
     * The float32 value of weight {@code name} of {@code shape} in graph {@code g}: its initializer
     * (written on first use) and, for f16/bf16, a Cast.
     */
    public String weight(GraphBuilder g, String name, long... shape) {
        TensorProto t = written.get(name);
        if (t == null) {
            t = write(name, shape);
            written.put(name, t);
        } else if (!Arrays.equals(t.getDimsList().stream().mapToLong(Long::longValue).toArray(), shape)) {
            throw new IllegalStateException(name + " asked for with two shapes");
        }
        g.initializer(t);
        return type == DType.F32 ? name : g.castToFloat(name);
    }

    /** Whether the checkpoint has {@code name} (random weights: never, biases are off). */
    public boolean has(String name) {
        return weights instanceof DeviceWeights.Checkpoint c && c.names().contains(name);
    }

    private TensorProto write(String name, long[] shape) {
        Tensor source = switch (weights) {
            case DeviceWeights.Checkpoint c -> {
                Tensor t = c.source().require(name);
                if (!Arrays.equals(t.shape(), shape)) {
                    throw new NemotronException("weight " + name + " has shape " + Arrays.toString(t.shape())
                            + " but the model's config needs " + Arrays.toString(shape)
                            + "; the checkpoint does not match config.json");
                }
                if (!t.dtype().isFloatingPoint()) {
                    throw new NemotronException("weight " + name + " is " + t.dtype() + "; the ONNX export reads"
                            + " floating-point weights (F32, F16, BF16, F64) only");
                }
                yield t;
            }
            case DeviceWeights.Random r -> RandomWeights.tensor(name, shape, r.seed());
        };
        long n = Tensor.numel(shape);
        elementCount += n;
        long bytes = n * type.byteSize();
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(onnxType());
        for (long d : shape) {
            t.addDims(d);
        }
        try {
            if (bytes < INLINE_BYTES) {
                ByteBuffer b = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
                convert(source, 0, n, b);
                return t.setRawData(ByteString.copyFrom(b.flip())).build();
            }
            long start = (offset + ALIGN - 1) / ALIGN * ALIGN;
            file.position(start);
            if (source.dtype() == type) {
                // the stored bytes as they are, through a direct buffer (the segment may be a heap array of any type)
                MemorySegment data = source.data();
                ByteBuffer b = ByteBuffer.allocateDirect(BLOCK);
                MemorySegment window = MemorySegment.ofBuffer(b);
                for (long at = 0; at < bytes; at += BLOCK) {
                    int len = (int) Math.min(BLOCK, bytes - at);
                    MemorySegment.copy(data, at, window, 0, len);
                    b.clear().limit(len);
                    while (b.hasRemaining()) {
                        file.write(b);
                    }
                }
            } else {
                ByteBuffer b = ByteBuffer.allocateDirect(BLOCK * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
                for (long at = 0; at < n; at += BLOCK) {
                    b.clear();
                    convert(source, at, Math.min(BLOCK, n - at), b);
                    b.flip();
                    while (b.hasRemaining()) {
                        file.write(b);
                    }
                }
            }
            offset = start + bytes;
            return t.setDataLocation(TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(entry("location", FILE_NAME))
                    .addExternalData(entry("offset", Long.toString(start)))
                    .addExternalData(entry("length", Long.toString(bytes))).build();
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + FILE_NAME + ": " + e.getMessage(), e);
        }
    }

    private void convert(Tensor source, long from, long count, ByteBuffer out) {
        for (long i = from; i < from + count; i++) {
            float v = source.getFloat(i);
            switch (type) {
                case F32 -> out.putFloat(v);
                case F16 -> out.putShort(Float.floatToFloat16(v));
                default -> out.putShort(toBf16(v));
            }
        }
    }

    /** float32 → bfloat16, rounding to nearest even (NaN stays NaN). */
    static short toBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    @Override
    public void close() throws IOException {
        file.force(true);
        file.close();
    }

    /** Deterministic random weights of a config's shape (benchmarks of shapes with no checkpoint). */
    static final class RandomWeights {
        private RandomWeights() {
        }

        static Tensor tensor(String name, long[] shape, long seed) {
            long n = Tensor.numel(shape);
            if (n > Integer.MAX_VALUE - 8) {
                throw new NemotronException("random weight " + name + " of " + n + " elements is too large to generate");
            }
            float[] v = new float[(int) n];
            SplittableRandom rnd = new SplittableRandom(seed ^ name.hashCode() * 0x9E3779B97F4A7C15L);
            for (int i = 0; i < v.length; i++) {
                if (name.endsWith("norm.weight") || name.endsWith("norm_f.weight") || name.endsWith(".D")) {
                    v[i] = 1f;
                } else if (name.endsWith(".A_log")) {
                    v[i] = (float) Math.log(1 + (i % 16));
                } else if (name.endsWith(".dt_bias")) {
                    v[i] = (float) Math.log(Math.expm1(0.001 + 0.099 * rnd.nextDouble()));
                } else if (name.endsWith(".bias")) {
                    v[i] = 0f;
                } else {
                    v[i] = (float) (rnd.nextGaussian() * 0.02);
                }
            }
            return Tensor.ofFloats(v, shape);
        }
    }
}
