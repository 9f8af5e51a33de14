package dev.nemotron.compress.merge;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.config.ModelDirectory;
import dev.nemotron.arch.safetensors.Checkpoint;
import dev.nemotron.arch.safetensors.SafetensorsWriter;
import dev.nemotron.compress.checkpoint.ModelFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code nemotron merge}: two checkpoints of one architecture into one ({@link MergeMethod}),
 * streamed: the output's layout follows from A's tensors, and each merged tensor is computed,
 * written to its shard and freed before the next, so memory holds one tensor whatever the model's
 * size; the inputs are memory-mapped. The output keeps A's dtype per tensor, A's config.json and
 * A's tokenizer files.
 */
public final class ModelMerger {
    /**
     * What to merge.
     *
     * @param a      the first model (α = 0 gives it)
     * @param b      the second model (α = 1 gives it)
     * @param base   the common base for TASK_ARITHMETIC, else null
     * @param method how
     * @param alpha  the weight of B, in [0, 1]
     * @param scale  λ of TASK_ARITHMETIC (1: plain interpolation of the task vectors)
     */
    public record Spec(Path a, Path b, Path base, MergeMethod method, double alpha, double scale) {
        public Spec {
            if (!(alpha >= 0 && alpha <= 1)) {
                throw new NemotronException("--alpha must be in [0, 1], got " + alpha);
            }
            if (!Double.isFinite(scale)) {
                throw new NemotronException("--scale must be a finite number, got " + scale);
            }
            if ((method == MergeMethod.TASK_ARITHMETIC) != (base != null)) {
                throw new NemotronException(method == MergeMethod.TASK_ARITHMETIC
                        ? "--method task-arithmetic needs --base (the model both were fine-tuned from)"
                        : "--base goes with --method task-arithmetic");
            }
            if (scale != 1.0 && method != MergeMethod.TASK_ARITHMETIC) {
                throw new NemotronException("--scale goes with --method task-arithmetic");
            }
        }
    }

    /**
     * What was written.
     *
     * @param tensors tensors written
     * @param copied  of them, copied exactly from an input (α at an end, or identical inputs)
     * @param notes   harmless config differences (A's value kept)
     */
    public record Result(Path out, int tensors, long copied, long bytes, List<Path> shards, List<String> notes) {
    }

    private ModelMerger() {
    }

    /** Merges {@code spec} into {@code out} (new or empty), shards of at most {@code maxShardBytes}. */
    public static Result merge(Spec spec, Path out, long maxShardBytes) {
        ModelFiles.checkOutput(out, spec.a(), spec.b(), spec.base());
        ModelDirectory da = ModelDirectory.open(spec.a());
        ModelDirectory db = ModelDirectory.open(spec.b());
        ObjectNode rawA = ModelFiles.readConfig(spec.a());
        List<String> notes = new ArrayList<>(MergeCompatibility.check(da, rawA, db, ModelFiles.readConfig(spec.b()), "--model B"));
        ModelDirectory dc = null;
        if (spec.base() != null) {
            dc = ModelDirectory.open(spec.base());
            notes.addAll(MergeCompatibility.check(da, rawA, dc, ModelFiles.readConfig(spec.base()), "--base"));
        }
        try (Checkpoint ca = da.openCheckpoint(); Checkpoint cb = db.openCheckpoint();
             Checkpoint cc = dc == null ? null : dc.openCheckpoint()) {
            Map<String, String> inB = canonical(cb);
            Map<String, String> inC = cc == null ? null : canonical(cc);
            Map<String, String> inA = canonical(ca);
            sameTensors(inA.keySet(), inB.keySet(), "--model B");
            if (inC != null) {
                sameTensors(inA.keySet(), inC.keySet(), "--base");
            }
            Map<String, SafetensorsWriter.Planned> layout = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : inA.entrySet()) {
                Tensor t = ca.require(e.getValue());
                shape(e.getKey(), t, cb.require(inB.get(e.getKey())), "--model B");
                if (cc != null) {
                    shape(e.getKey(), t, cc.require(inC.get(e.getKey())), "--base");
                }
                layout.put(e.getValue(), new SafetensorsWriter.Planned(t.dtype(), t.shape()));
            }
            Map<String, String> canonicalOf = new LinkedHashMap<>();
            inA.forEach((canon, stored) -> canonicalOf.put(stored, canon));
            AtomicLong copied = new AtomicLong();
            ModelFiles.writeConfig(out, rawA);
            List<Path> shards = SafetensorsWriter.writeSharded(out, layout, (name, arena) -> {
                String canon = canonicalOf.get(name);
                Tensor a = ca.require(name);
                Tensor b = cb.require(inB.get(canon));
                Tensor c = cc == null ? null : cc.require(inC.get(canon));
                Tensor m = TensorMerge.merge(name, spec.method(), spec.alpha(), spec.scale(), a, b, c, arena);
                if (m == a || m == b) {
                    copied.incrementAndGet();
                }
                return m;
            }, maxShardBytes, Map.of("format", "pt"));
            ModelFiles.copyCompanions(spec.a(), out);
            long bytes = layout.values().stream().mapToLong(SafetensorsWriter.Planned::byteSize).sum();
            return new Result(out, layout.size(), copied.get(), bytes, shards, notes);
        }
    }

    /** Canonical name ({@code backbone.}) → stored name, in checkpoint order. */
    private static Map<String, String> canonical(Checkpoint c) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String n : c.names()) {
            out.put(n.startsWith("model.") ? "backbone." + n.substring("model.".length()) : n, n);
        }
        return out;
    }

    private static void sameTensors(Set<String> a, Set<String> b, String what) {
        Set<String> onlyA = new TreeSet<>(a);
        onlyA.removeAll(b);
        Set<String> onlyB = new TreeSet<>(b);
        onlyB.removeAll(a);
        if (!onlyA.isEmpty() || !onlyB.isEmpty()) {
            throw new NemotronException("cannot merge: " + what + " has a different set of tensors ("
                    + (onlyA.isEmpty() ? "" : "missing '" + onlyA.iterator().next() + "'" + (onlyA.size() > 1 ? " and " + (onlyA.size() - 1) + " more" : ""))
                    + (!onlyA.isEmpty() && !onlyB.isEmpty() ? "; " : "")
                    + (onlyB.isEmpty() ? "" : "extra '" + onlyB.iterator().next() + "'" + (onlyB.size() > 1 ? " and " + (onlyB.size() - 1) + " more" : ""))
                    + ")");
        }
    }

    private static void shape(String name, Tensor a, Tensor other, String what) {
        if (!Arrays.equals(a.shape(), other.shape())) {
            throw new NemotronException("cannot merge: tensor '" + name + "' has shape " + Arrays.toString(other.shape()) + " in "
                    + what + " but " + Arrays.toString(a.shape()) + " in --model A");
        }
    }
}
