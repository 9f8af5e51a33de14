package dev.nemotron.api.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A dense, row-major, little-endian tensor in host memory: an element type, a shape and a
 * {@link MemorySegment} holding exactly {@code dtype.storageBytes(numel)} bytes.
 *
 * <p>The segment may be a slice of a memory-mapped checkpoint (weights are used in place, never
 * copied), a heap array or native memory; a tensor does not own it. Element access converts to
 * {@code float} from F32, BF16 and F16.
 */
public final class Tensor {
    /** Little-endian, unaligned layouts, as safetensors stores values. */
    public static final ValueLayout.OfFloat F32_LE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfShort I16_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfLong I64_LE =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt I32_LE =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfDouble F64_LE =
            ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final DType dtype;
    private final long[] shape;
    private final MemorySegment data;

    /**
     * @throws IllegalArgumentException if a dimension is negative or the segment's size is not
     *     {@code dtype.storageBytes(numel(shape))} (for {@link DType#Q8_0}: also if the last
     *     dimension is not a multiple of 32, so that every row starts a block)
     */
    public Tensor(DType dtype, long[] shape, MemorySegment data) {
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.shape = shape.clone();
        this.data = Objects.requireNonNull(data, "data");
        long n = numel(this.shape);
        if (dtype.isBlockQuantized() && (this.shape.length == 0 || this.shape[this.shape.length - 1] % dtype.blockElements() != 0)) {
            throw new IllegalArgumentException("a " + dtype + " tensor's last dimension must be a multiple of "
                    + dtype.blockElements() + ", got " + Arrays.toString(shape));
        }
        long expected = dtype.storageBytes(n);
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException("tensor of " + dtype + Arrays.toString(shape)
                    + " needs " + expected + " bytes, segment has " + data.byteSize());
        }
    }

    /** A float32 tensor backed by (not copied from) {@code values}. */
    public static Tensor ofFloats(float[] values, long... shape) {
        return new Tensor(DType.F32, shape, MemorySegment.ofArray(values));
    }

    /** Product of the dimensions; 1 for a scalar. */
    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public DType dtype() {
        return dtype;
    }

    /** A copy of the shape. */
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int i) {
        return shape[i];
    }

    public long numel() {
        return numel(shape);
    }

    /** The bytes of this tensor (little-endian, row-major). */
    public MemorySegment data() {
        return data;
    }

    /** Element {@code i} (flat, row-major) as a float; F32, BF16, F16, F64 and Q8_0 (dequantized) only. */
    public float getFloat(long i) {
        return switch (dtype) {
            case F32 -> data.getAtIndex(F32_LE, i);
            case BF16 -> Float.intBitsToFloat((data.getAtIndex(I16_LE, i) & 0xFFFF) << 16);
            case F16 -> Float.float16ToFloat(data.getAtIndex(I16_LE, i));
            case F64 -> (float) data.getAtIndex(F64_LE, i);
            case Q8_0 -> Q8_0.get(data, i);
            default -> throw new UnsupportedOperationException("getFloat on a " + dtype + " tensor");
        };
    }

    /** Element {@code i} of an integer tensor (I64, I32, I16, I8, U8, BOOL) as a long. */
    public long getLong(long i) {
        return switch (dtype) {
            case I64 -> data.getAtIndex(I64_LE, i);
            case I32 -> data.getAtIndex(I32_LE, i);
            case I16 -> data.getAtIndex(I16_LE, i);
            case I8 -> data.get(ValueLayout.JAVA_BYTE, i);
            case U8, BOOL -> data.get(ValueLayout.JAVA_BYTE, i) & 0xFF;
            default -> throw new UnsupportedOperationException("getLong on a " + dtype + " tensor");
        };
    }

    /** All elements converted to float32, in a new array. */
    public float[] toFloatArray() {
        long n = numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("tensor too large for a Java array: " + n + " elements");
        }
        float[] out = new float[(int) n];
        if (dtype == DType.F32) {
            MemorySegment.copy(data, F32_LE, 0, out, 0, out.length);
        } else {
            for (int i = 0; i < out.length; i++) {
                out[i] = getFloat(i);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "Tensor[" + dtype + Arrays.toString(shape) + "]";
    }
}
