package dev.nemotron.backend.java.linear;

import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Q8_0;
import dev.nemotron.api.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Reading weights stored as F32, BF16, F16 or Q8_0 (through {@link GemvQ8}) (little-endian, any segment, any alignment) as float
 * vectors, single floats, or runs converted into a {@code float[]}.
 */
final class WeightReader {
    private WeightReader() {
    }

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    static final VectorSpecies<Integer> I = F.withLanes(int.class);
    @SuppressWarnings("unchecked")
    static final VectorSpecies<Short> S =
            (VectorSpecies<Short>) VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    static final int K_F32 = 0;
    static final int K_BF16 = 1;
    static final int K_F16 = 2;
    static final int K_Q8_0 = 3;

    static int kindOf(DType t) {
        return switch (t) {
            case F32 -> K_F32;
            case BF16 -> K_BF16;
            case F16 -> K_F16;
            case Q8_0 -> K_Q8_0;
            default -> throw new IllegalArgumentException(t.toString());
        };
    }

    static FloatVector loadF32(MemorySegment w, long byteOff) {
        return FloatVector.fromMemorySegment(F, w, byteOff, LE);
    }

    static FloatVector loadBf16(MemorySegment w, long byteOff) {
        ShortVector s = ShortVector.fromMemorySegment(S, w, byteOff, LE);
        IntVector i = (IntVector) s.convertShape(VectorOperators.S2I, I, 0);
        return i.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    static FloatVector loadF16(MemorySegment w, long byteOff) {
        ShortVector s = ShortVector.fromMemorySegment(S, w, byteOff, LE);
        IntVector h = (IntVector) s.convertShape(VectorOperators.S2I, I, 0); // sign-extended
        IntVector em = h.and(0x7fff);
        // Exponent rebias by a multiply: also turns F16 subnormals into F32 normals exactly.
        IntVector bits = em.lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(0x1p112f)
                .reinterpretAsInts();
        // Inf/NaN (em >= 0x7c00, i.e. bit 15 of em + 0x400): force the exponent to all ones.
        // Branch-free integer ops only: masks and blends cost C2 enough nodes to stop inlining.
        IntVector infNan = em.add(0x400).lanewise(VectorOperators.LSHL, 16)
                .lanewise(VectorOperators.ASHR, 31).and(0x7f800000);
        return bits.or(infNan).or(h.and(0x80000000)).reinterpretAsFloats();
    }

    static float scalar(MemorySegment w, int kind, long elem) {
        return switch (kind) {
            case K_F32 -> w.getAtIndex(Tensor.F32_LE, elem);
            case K_BF16 -> Float.intBitsToFloat((w.getAtIndex(Tensor.I16_LE, elem) & 0xFFFF) << 16);
            case K_Q8_0 -> Q8_0.get(w, elem);
            default -> Float.float16ToFloat(w.getAtIndex(Tensor.I16_LE, elem));
        };
    }

    /** {@code dst[dstOff .. dstOff+n) = float(w[elem .. elem+n))}. */
    static void convert(MemorySegment w, int kind, long elem, float[] dst, int dstOff, int n) {
        if (kind == K_Q8_0) {
            int whole = elem % Q8_0.BLOCK == 0 ? n & -Q8_0.BLOCK : 0;
            GemvQ8.convert(w, elem, dst, dstOff, whole);
            for (int i = whole; i < n; i++) {
                dst[dstOff + i] = scalar(w, kind, elem + i);
            }
            return;
        }
        // One method per type: C2 inlines only so many vector conversions into one method.
        int i = switch (kind) {
            case K_F32 -> convertF32(w, elem, dst, dstOff, n);
            case K_BF16 -> convertBf16(w, elem, dst, dstOff, n);
            default -> convertF16(w, elem, dst, dstOff, n);
        };
        for (; i < n; i++) {
            dst[dstOff + i] = scalar(w, kind, elem + i);
        }
    }

    private static int convertF32(MemorySegment w, long elem, float[] dst, int dstOff, int n) {
        int i = 0;
        long base = elem * 4;
        for (; i <= n - L; i += L) {
            loadF32(w, base + 4L * i).intoArray(dst, dstOff + i);
        }
        return i;
    }

    private static int convertBf16(MemorySegment w, long elem, float[] dst, int dstOff, int n) {
        int i = 0;
        long base = elem * 2;
        for (; i <= n - L; i += L) {
            loadBf16(w, base + 2L * i).intoArray(dst, dstOff + i);
        }
        return i;
    }

    private static int convertF16(MemorySegment w, long elem, float[] dst, int dstOff, int n) {
        int i = 0;
        long base = elem * 2;
        for (; i <= n - L; i += L) {
            loadF16(w, base + 2L * i).intoArray(dst, dstOff + i);
        }
        return i;
    }

    /** Loads 2L BF16 weights as L ints; see {@link #evenBf16} and {@link #oddBf16}. */
    static IntVector loadBf16Pairs(MemorySegment w, long byteOff) {
        return IntVector.fromMemorySegment(I, w, byteOff, LE);
    }

    /** The even-indexed elements of a pair vector, widened to float. */
    static FloatVector evenBf16(IntVector pairs) {
        return pairs.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /** The odd-indexed elements of a pair vector, widened to float. */
    static FloatVector oddBf16(IntVector pairs) {
        return pairs.and(0xFFFF0000).reinterpretAsFloats();
    }
}
