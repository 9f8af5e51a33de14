package dev.nemotron.arch.model;

import dev.nemotron.api.layer.WeightSource;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Q8_0;
import dev.nemotron.api.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link WeightSource} that hands out projection matrices quantized to {@link DType#Q8_0}
 * (quantize-at-load), in native memory of an arena the model closes; everything else passes
 * through unchanged. A tensor is quantized once, on first request.
 */
final class QuantizedWeights implements WeightSource {
    private final WeightSource inner;
    private final Arena arena;
    private final Map<String, Tensor> done = new HashMap<>();

    QuantizedWeights(WeightSource inner, Arena arena) {
        this.inner = inner;
        this.arena = arena;
    }

    /**
     * True for the tensors Q8_0 loading quantizes: rank-2 floating-point {@code .weight} tensors
     * whose rows are whole blocks, except the embedding table (read one row per token).
     */
    static boolean quantizes(String name, Tensor t) {
        return t.rank() == 2 && t.dtype().isFloatingPoint() && name.endsWith(".weight")
                && !name.endsWith("embeddings.weight") && t.dim(1) % Q8_0.BLOCK == 0;
    }

    @Override
    public Optional<Tensor> find(String name) {
        return inner.find(name).map(t -> convert(name, t));
    }

    @Override
    public Tensor require(String name) {
        return convert(name, inner.require(name));
    }

    private synchronized Tensor convert(String name, Tensor t) {
        if (!quantizes(name, t)) {
            return t;
        }
        return done.computeIfAbsent(name, n -> quantize(t));
    }

    private Tensor quantize(Tensor t) {
        int rows = Math.toIntExact(t.dim(0));
        int in = Math.toIntExact(t.dim(1));
        long rowBytes = DType.Q8_0.storageBytes(in);
        MemorySegment out = arena.allocate(rowBytes * rows, 8);
        float[] row = new float[in];
        for (int r = 0; r < rows; r++) {
            long base = (long) r * in;
            for (int i = 0; i < in; i++) {
                row[i] = t.getFloat(base + i);
            }
            Q8_0.quantize(row, 0, in, out, r * rowBytes);
        }
        return new Tensor(DType.Q8_0, t.shape(), out);
    }
}
