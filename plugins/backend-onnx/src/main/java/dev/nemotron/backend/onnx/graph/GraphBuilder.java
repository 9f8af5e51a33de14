package dev.nemotron.backend.onnx.graph;

import com.google.protobuf.ByteString;
import dev.nemotron.backend.onnx.proto.Onnx.AttributeProto;
import dev.nemotron.backend.onnx.proto.Onnx.GraphProto;
import dev.nemotron.backend.onnx.proto.Onnx.NodeProto;
import dev.nemotron.backend.onnx.proto.Onnx.TensorProto;
import dev.nemotron.backend.onnx.proto.Onnx.TensorShapeProto;
import dev.nemotron.backend.onnx.proto.Onnx.TypeProto;
import dev.nemotron.backend.onnx.proto.Onnx.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds one ONNX {@code GraphProto} node by node: every helper appends a standard-domain node
 * and returns the name of its output, so graphs read like the formulas they compute. Constants
 * are small initializers; weights are added by the caller ({@link #initializer}).
 */
public final class GraphBuilder {
    /** {@code TensorProto.DataType} codes. */
    public static final int FLOAT = 1;
    public static final int INT64 = 7;
    public static final int BOOL = 9;
    public static final int FLOAT16 = 10;
    public static final int BFLOAT16 = 16;

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private int next;

    public GraphBuilder(String name) {
        graph.setName(name);
    }

    /** The finished graph. */
    public GraphProto build() {
        return graph.build();
    }

    private String fresh(String op) {
        return op.toLowerCase(java.util.Locale.ROOT) + "_" + (next++);
    }

    // ---- inputs, outputs, initializers ----

    /** A graph input; each dimension a number or a symbolic name (e.g. {@code "batch"}). */
    public String input(String name, int elemType, Object... dims) {
        graph.addInput(valueInfo(name, elemType, dims));
        return name;
    }

    /** Declares {@code value} a graph output named {@code name} (through an Identity when the names differ). */
    public void output(String name, String value, int elemType, Object... dims) {
        if (!name.equals(value)) {
            node("Identity", List.of(value), List.of(name));
        }
        graph.addOutput(valueInfo(name, elemType, dims));
    }

    private static ValueInfoProto valueInfo(String name, int elemType, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof Number n) {
                dim.setDimValue(n.longValue());
            } else {
                dim.setDimParam(d.toString());
            }
            shape.addDim(dim);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape))).build();
    }

    /** Adds a ready initializer (a weight, inline or external). */
    public String initializer(TensorProto tensor) {
        graph.addInitializer(tensor);
        return tensor.getName();
    }

    /** A 1-D int64 constant. */
    public String ints(long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return constant(INT64, new long[] {values.length}, b.array());
    }

    /** A scalar int64 constant. */
    public String scalarInt(long value) {
        return constant(INT64, new long[0], ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array());
    }

    /** A scalar float constant. */
    public String scalar(float value) {
        return constant(FLOAT, new long[0], ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value).array());
    }

    /** A float constant of {@code shape}, row-major. */
    public String floats(float[] values, long... shape) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return constant(FLOAT, shape, b.array());
    }

    /** A constant boolean [n, n] lower-triangular (diagonal included) mask. */
    public String lowerTriangle(int n) {
        byte[] m = new byte[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                m[i * n + j] = 1;
            }
        }
        return constant(BOOL, new long[] {n, n}, m);
    }

    private String constant(int type, long[] shape, byte[] raw) {
        String name = fresh("const");
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type).setRawData(ByteString.copyFrom(raw));
        for (long d : shape) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return name;
    }

    // ---- nodes ----

    /** Appends a node with explicit output names. */
    public void node(String op, List<String> inputs, List<String> outputs, AttributeProto... attributes) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(outputs.getFirst() + "_node")
                .addAllInput(inputs).addAllOutput(outputs);
        n.addAllAttribute(Arrays.asList(attributes));
        graph.addNode(n);
    }

    /** Appends a one-output node; returns its output's name. */
    public String op(String op, List<String> inputs, AttributeProto... attributes) {
        String out = fresh(op);
        node(op, inputs, List.of(out), attributes);
        return out;
    }

    /** Appends a node of {@code count} outputs; returns their names. */
    public List<String> ops(String op, int count, List<String> inputs, AttributeProto... attributes) {
        List<String> outs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            outs.add(fresh(op));
        }
        node(op, inputs, outs, attributes);
        return outs;
    }

    public static AttributeProto attr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    public static AttributeProto attr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    public static AttributeProto attrs(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    // ---- the operators the model graphs use (all in the default domain, opset 17) ----

    public String add(String a, String b) {
        return op("Add", List.of(a, b));
    }

    public String sub(String a, String b) {
        return op("Sub", List.of(a, b));
    }

    public String mul(String a, String b) {
        return op("Mul", List.of(a, b));
    }

    public String div(String a, String b) {
        return op("Div", List.of(a, b));
    }

    public String matmul(String a, String b) {
        return op("MatMul", List.of(a, b));
    }

    public String exp(String a) {
        return op("Exp", List.of(a));
    }

    public String neg(String a) {
        return op("Neg", List.of(a));
    }

    public String sigmoid(String a) {
        return op("Sigmoid", List.of(a));
    }

    /** {@code x·sigmoid(x)}. */
    public String silu(String x) {
        return mul(x, sigmoid(x));
    }

    public String castToFloat(String x) {
        return op("Cast", List.of(x), attr("to", (long) FLOAT));
    }

    /** {@code a·bᵀ (+ bias)} for a 2-D {@code a} [n, in] and a weight {@code b} [out, in]. */
    public String linear(String a, String weight, String bias) {
        List<String> in = bias == null ? List.of(a, weight) : List.of(a, weight, bias);
        return op("Gemm", in, attr("transB", 1L));
    }

    public String reshape(String x, String shape) {
        return op("Reshape", List.of(x, shape));
    }

    public String reshape(String x, long... shape) {
        return reshape(x, ints(shape));
    }

    public String transpose(String x, long... perm) {
        return op("Transpose", List.of(x), attrs("perm", perm));
    }

    public String unsqueeze(String x, long... axes) {
        return op("Unsqueeze", List.of(x, ints(axes)));
    }

    public String squeeze(String x, long... axes) {
        return op("Squeeze", List.of(x, ints(axes)));
    }

    public String concat(long axis, String... parts) {
        return op("Concat", List.of(parts), attr("axis", axis));
    }

    public String slice(String x, String starts, String ends, long axis) {
        return op("Slice", List.of(x, starts, ends, ints(axis)));
    }

    public String slice(String x, long start, long end, long axis) {
        return slice(x, ints(start), ints(end), axis);
    }

    /** Splits {@code x} along {@code axis} into parts of the given sizes. */
    public List<String> split(String x, long axis, long... sizes) {
        return ops("Split", sizes.length, List.of(x, ints(sizes)), attr("axis", axis));
    }

    public String where(String cond, String a, String b) {
        return op("Where", List.of(cond, a, b));
    }

    public String shape(String x) {
        return op("Shape", List.of(x));
    }

    public String expand(String x, String shape) {
        return op("Expand", List.of(x, shape));
    }

    public String cumsum(String x, long axis) {
        return op("CumSum", List.of(x, scalarInt(axis)));
    }

    /**
     * {@code x / sqrt(mean(x², last axis) + eps) · w} (w null: no weight). Written as
     * Pow → ReduceMean → Add → Sqrt → Div → Mul, the pattern ONNX Runtime fuses into one
     * RMSNorm kernel.
     */
    public String rmsNorm(String x, String weight, float eps) {
        String ms = op("ReduceMean", List.of(op("Pow", List.of(x, scalar(2f)))), attrs("axes", -1L), attr("keepdims", 1L));
        String normed = div(x, op("Sqrt", List.of(add(ms, scalar(eps)))));
        return weight == null ? normed : mul(normed, weight);
    }
}
