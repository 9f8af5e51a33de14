package dev.nemotron.api.layer;

import java.util.Arrays;
import java.util.Objects;

/**
 * A parameter a layer expects in the checkpoint.
 *
 * @param name  relative to the mixer, e.g. {@code "in_proj.weight"}
 * @param shape the expected shape
 * @param shapeFrom the config fields the shape follows from, for error messages, e.g.
 *              {@code "mamba_num_heads*mamba_head_dim, n_groups, ssm_state_size, hidden_size"}
 * @param optional  the checkpoint may lack it (implementations differ, e.g. attention biases that
 *              {@code attention_bias} asks for but HF's NemotronH never creates); used when
 *              present, not counted in config-only estimates
 * @param linear    the weight {@code [out, in]} of a linear layer (it feeds a GEMM), whose
 *              arithmetic a precision policy (the FP8 training recipe) may choose
 */
public record ParameterSpec(String name, long[] shape, String shapeFrom, boolean optional, boolean linear) {
    public ParameterSpec {
        Objects.requireNonNull(name, "name");
        shape = shape.clone();
        Objects.requireNonNull(shapeFrom, "shapeFrom");
        if (linear && shape.length != 2) {
            throw new IllegalArgumentException(name + ": a linear layer's weight is [out, in], got "
                    + Arrays.toString(shape));
        }
    }

    /** A parameter that is no linear layer's weight. */
    public ParameterSpec(String name, long[] shape, String shapeFrom, boolean optional) {
        this(name, shape, shapeFrom, optional, false);
    }

    /** A required parameter that is no linear layer's weight. */
    public ParameterSpec(String name, long[] shape, String shapeFrom) {
        this(name, shape, shapeFrom, false, false);
    }

    /** The required weight {@code [out, in]} of a linear layer. */
    public static ParameterSpec linear(String name, long out, long in, String shapeFrom) {
        return new ParameterSpec(name, new long[] {out, in}, shapeFrom, false, true);
    }

    public long numel() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParameterSpec p && p.name.equals(name) && Arrays.equals(p.shape, shape)
                && p.shapeFrom.equals(shapeFrom) && p.optional == optional && p.linear == linear;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(shape), shapeFrom, optional, linear);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
