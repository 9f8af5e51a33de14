package dev.nemotron.train.trainer;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.distributed.ProcessGroup;
import dev.nemotron.api.distributed.ProcessGroup.ReduceOp;
import dev.nemotron.api.layer.train.Segments;
import dev.nemotron.api.optim.OptimizerState;
import dev.nemotron.api.optim.Parameter;
import dev.nemotron.api.optim.ParameterGroup;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link Trainer}'s data parallelism over a {@link ProcessGroup}: N ranks, each a whole
 * replica of the model, training on one global batch together (docs/distributed.md).
 *
 * <pre>
 * every rank reads the same global batch of B rows (the loader's position is a global sample index: N-independent)
 * 1. shard:   rank r takes the contiguous rows [r B/N, (r+1) B/N)                    (B divisible by N)
 * 2. local:   mean loss and gradients over its B/N rows (BatchGradients)
 * 3. average: one all-reduce (MEAN, summed in rank order) of [gradients..., loss]      -> the mean over B rows
 * 4. clip:    the global norm of the averaged gradients (identical on every rank)
 * 5. ZeRO-1:  rank r steps only the parameters it owns ({@link #owned}): the optimizer keeps moments for those alone
 * 6. gather:  all-gather of the updated parameters                                    -> bit-identical weights
 * checkpoint: the ranks' optimizer states gathered to rank 0, which writes the single-rank format
 * resume:     every rank reads the whole checkpoint and keeps the state of the parameters it owns (any N)
 * </pre>
 * Ownership: parameters in the group's order, each whole; parameter i (first element at s_i, n_i
 * elements, T in all) belongs to rank floor((s_i + n_i / 2) N / T): contiguous runs of about T / N
 * elements.
 */
public final class DataParallel {
    private final ProcessGroup group;
    private ParameterGroup all;
    private ParameterGroup owned;
    private int[] counts;
    private Map<String, Integer> order;
    private double[] buffer;

    public DataParallel(ProcessGroup group) {
        this.group = group;
    }

    public ProcessGroup group() {
        return group;
    }

    public int rank() {
        return group.rank();
    }

    public int size() {
        return group.size();
    }

    public boolean leader() {
        return group.leader();
    }

    /** Rank r's rows of {@code global}: the contiguous slice [r B / N, (r+1) B / N). */
    public TrainingBatch shard(TrainingBatch global) {
        return shard(global, group.rank(), group.size());
    }

    /** Rank {@code rank} of {@code n}'s rows of {@code global} (step 1). */
    static TrainingBatch shard(TrainingBatch global, int rank, int n) {
        int rows = global.inputs().length;
        if (rows % n != 0) {
            throw new NemotronException("the batch of " + rows + " sequences does not split evenly over " + n
                    + " ranks: make --batch a multiple of --ranks");
        }
        int from = rank * rows / n;
        int to = (rank + 1) * rows / n;
        Segments[] seg = global.segments() == null ? null : Arrays.copyOfRange(global.segments(), from, to);
        return new TrainingBatch(Arrays.copyOfRange(global.inputs(), from, to), Arrays.copyOfRange(global.targets(), from, to), seg);
    }

    /** Fixes the parameters (in this order on every rank) and which of them this rank owns. */
    void partition(ParameterGroup parameters) {
        List<Parameter> ps = parameters.parameters();
        long total = parameters.numel();
        int n = group.size();
        counts = new int[n];
        order = new HashMap<>();
        List<Parameter> mine = new ArrayList<>();
        long start = 0;
        for (int i = 0; i < ps.size(); i++) {
            Parameter p = ps.get(i);
            int owner = total == 0 ? 0 : (int) Math.min(n - 1, (start + p.size() / 2) * n / total);
            counts[owner] += p.size();
            order.put(p.name(), i);
            if (owner == group.rank()) {
                mine.add(p);
            }
            start += p.size();
        }
        this.all = parameters;
        this.owned = ParameterGroup.of(mine);
    }

    /** The parameters this rank updates (its ZeRO-1 shard). */
    ParameterGroup owned() {
        return owned;
    }

    /** Elements of the parameters rank r owns. */
    int[] counts() {
        return counts.clone();
    }

    /** 3. Overwrites every rank's gradients with the mean over the ranks; returns the mean of {@code localLoss}. */
    double averageGradients(double localLoss) {
        double[] flat = buffer(all.numel() + 1);
        int at = 0;
        for (Parameter p : all.parameters()) {
            System.arraycopy(p.grads(), 0, flat, at, p.size());
            at += p.size();
        }
        flat[at] = localLoss;
        group.allReduce(flat, ReduceOp.MEAN);
        at = 0;
        for (Parameter p : all.parameters()) {
            System.arraycopy(flat, at, p.grads(), 0, p.size());
            at += p.size();
        }
        return flat[at];
    }

    /** The mean of one number over the ranks (the device trainer's loss). */
    double mean(double local) {
        double[] v = {local};
        group.allReduce(v, ReduceOp.MEAN);
        return v[0];
    }

    /**
     * The mean over the ranks of each of {@code local}'s values (means over each rank's B/N rows, so
     * this is the mean over the global batch), in its key order; every rank must give the same keys.
     */
    Map<String, Double> mean(Map<String, Double> local) {
        double[] v = local.values().stream().mapToDouble(Double::doubleValue).toArray();
        group.allReduce(v, ReduceOp.MEAN);
        Map<String, Double> out = new LinkedHashMap<>();
        int i = 0;
        for (String k : local.keySet()) {
            out.put(k, v[i++]);
        }
        return out;
    }

    /** 6. Every rank's copy of every parameter becomes its owner's. */
    void gatherParameters() {
        double[] flat = buffer(all.numel());
        int at = 0;
        for (Parameter p : all.parameters()) {
            System.arraycopy(p.values(), 0, flat, at, p.size());
            at += p.size();
        }
        group.allGather(flat, counts);
        at = 0;
        for (Parameter p : all.parameters()) {
            System.arraycopy(flat, at, p.values(), 0, p.size());
            at += p.size();
        }
    }

    /** The ranks' optimizer states merged on rank 0 (the single-rank order: slot, then parameter order); null on other ranks. */
    OptimizerState gatherState(OptimizerState mine) {
        List<byte[]> states = group.gather(encode(mine));
        if (!group.leader()) {
            return null;
        }
        Map<String, double[]> merged = new LinkedHashMap<>();
        List<String> slots = new ArrayList<>();
        for (byte[] b : states) {
            decode(b).forEach((k, v) -> {
                merged.put(k, v);
                String slot = k.substring(0, Math.max(0, k.indexOf('/')));
                if (!slots.contains(slot)) {
                    slots.add(slot);
                }
            });
        }
        List<String> keys = new ArrayList<>(merged.keySet());
        keys.sort(Comparator.comparingInt((String k) -> slots.indexOf(k.substring(0, Math.max(0, k.indexOf('/')))))
                .thenComparingInt(k -> order.getOrDefault(k.substring(k.indexOf('/') + 1), Integer.MAX_VALUE)));
        Map<String, double[]> sorted = new LinkedHashMap<>();
        keys.forEach(k -> sorted.put(k, merged.get(k)));
        return new OptimizerState(sorted);
    }

    /** The part of a whole optimizer state (a checkpoint's) that belongs to this rank's parameters: "SLOT/NAME" for owned NAME. */
    OptimizerState ownedPart(OptimizerState whole) {
        Map<String, double[]> mine = new LinkedHashMap<>();
        whole.arrays().forEach((k, v) -> {
            String name = k.substring(k.indexOf('/') + 1);
            if (owned.get(name) != null) {
                mine.put(k, v);
            }
        });
        return new OptimizerState(mine);
    }

    private double[] buffer(long n) {
        if (n > Integer.MAX_VALUE - 8) {
            throw new NemotronException(n + " parameters are too many for one host all-reduce buffer");
        }
        if (buffer == null || buffer.length != n) {
            buffer = new double[(int) n];
        }
        return buffer;
    }

    private static byte[] encode(OptimizerState s) {
        long size = 4;
        for (Map.Entry<String, double[]> e : s.arrays().entrySet()) {
            size += 2 + 4L * e.getKey().length() + 4 + (long) Double.BYTES * e.getValue().length;
        }
        if (size > Integer.MAX_VALUE - 64) {
            throw new NemotronException("this rank's optimizer state (" + size + " bytes) is too large to gather on the host;"
                    + " use more ranks or train on a device (--backend)");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) size);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(s.arrays().size());
            for (Map.Entry<String, double[]> e : s.arrays().entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue().length);
                for (double v : e.getValue()) {
                    out.writeDouble(v);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static Map<String, double[]> decode(byte[] b) {
        Map<String, double[]> out = new LinkedHashMap<>();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                String key = in.readUTF();
                int len = in.readInt();
                if (len < 0 || (long) len * Double.BYTES > in.available()) {
                    throw new NemotronException("a rank sent a malformed optimizer state (" + key + ": " + len + " values)");
                }
                double[] v = new double[len];
                for (int j = 0; j < len; j++) {
                    v[j] = in.readDouble();
                }
                out.put(key, v);
            }
        } catch (IOException e) {
            throw new NemotronException("a rank sent a malformed optimizer state: " + e.getMessage(), e);
        }
        return out;
    }
}
