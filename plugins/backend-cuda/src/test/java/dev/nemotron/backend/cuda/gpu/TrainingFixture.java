package dev.nemotron.backend.cuda.gpu;

import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.DeviceModelSpec;
import dev.nemotron.api.backend.DeviceWeights;
import dev.nemotron.api.backend.ModelArtifact;
import dev.nemotron.api.backend.TrainingExecution;
import dev.nemotron.api.layer.WeightSource;
import dev.nemotron.api.optim.OptimizerConfig;
import dev.nemotron.api.optim.Parameter;
import dev.nemotron.api.optim.ParameterGroup;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.config.NemotronHConfig;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.arch.safetensors.Checkpoint;
import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.optim.AdamW;
import dev.nemotron.train.optim.DecayPolicy;
import dev.nemotron.train.optim.GradientClipping;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The pieces of the training tests: the model (the fixture {@code tiny-nemotron-h-a}, or the HF
 * directory of {@code -Dnemotron.gputrain.model=DIR}), a device trainer on it, the float64 host
 * trainer on the same weights (the reference), batches, and per-tensor comparisons.
 */
final class TrainingFixture {
    static final String MODEL_PROPERTY = "nemotron.gputrain.model";

    private TrainingFixture() {
    }

    static Path modelDir() {
        String dir = System.getProperty(MODEL_PROPERTY);
        return dir != null ? Path.of(dir) : Gpu.fixture("tiny-nemotron-h-a");
    }

    static NemotronHConfig config(Path dir) {
        return ConfigParser.withDiscoveredLayers().parse(dir);
    }

    /** A device trainer on the checkpoint of {@code dir}, GEMM inputs in {@code compute}. */
    static TrainingExecution.DeviceTrainer device(Backend backend, Path dir, DType compute) {
        NemotronHConfig c = config(dir);
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            return open(backend, c, DeviceWeights.checkpoint(ckpt, List.copyOf(ckpt.names())), compute);
        }
    }

    /** A device trainer on in-memory weights (e.g. downloaded from another trainer). */
    static TrainingExecution.DeviceTrainer device(Backend backend, Path dir, Map<String, Tensor> weights, DType compute) {
        WeightSource source = new WeightSource() {
            @Override
            public Optional<Tensor> find(String name) {
                return Optional.ofNullable(weights.get(name));
            }

            @Override
            public Tensor require(String name) {
                return find(name).orElseThrow(() -> new AssertionError("no " + name));
            }
        };
        return open(backend, config(dir), DeviceWeights.checkpoint(source, List.copyOf(weights.keySet())), compute);
    }

    private static TrainingExecution.DeviceTrainer open(Backend backend, NemotronHConfig c, DeviceWeights weights,
                                                        DType compute) {
        var spec = new DeviceModelSpec(c.view(), c.pattern(), ModelGraph.of(c, MixerRegistry.discover()).layerDims(),
                weights, compute, 1, 1, 1);
        TrainingExecution exec = backend.trainingExecution().orElseThrow();
        return exec.open(new ModelArtifact.HfModel(spec), "adamw", OptimizerConfig.defaults());
    }

    /** Random token rows [rows][len] and their next-token labels (the last position and every 7th ignored). */
    record Batch(int rows, int len, int[] ids, int[] labels) {
        int[] idsOf(int r) {
            return java.util.Arrays.copyOfRange(ids, r * len, (r + 1) * len);
        }

        int[] labelsOf(int r) {
            return java.util.Arrays.copyOfRange(labels, r * len, (r + 1) * len);
        }
    }

    static Batch batch(int vocab, int rows, int len, long seed, boolean ignoreSome) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] ids = new int[rows * len];
        int[] labels = new int[rows * len];
        for (int r = 0; r < rows; r++) {
            int[] seq = new int[len + 1];
            for (int i = 0; i <= len; i++) {
                seq[i] = rnd.nextInt(vocab);
            }
            for (int i = 0; i < len; i++) {
                ids[r * len + i] = seq[i];
                labels[r * len + i] = ignoreSome && (i % 7 == 3) ? -100 : seq[i + 1];
            }
        }
        return new Batch(rows, len, ids, labels);
    }

    /** The device's per-parameter state of {@code slot}, by name, in float64. */
    static Map<String, double[]> download(TrainingExecution.DeviceTrainer t, TrainingExecution.StateSlot slot) {
        Map<String, double[]> out = new LinkedHashMap<>();
        TrainingExecution.WeightSink sink = (name, shape, values) -> {
            double[] d = new double[values.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = values[i];
            }
            out.put(name, d);
        };
        if (slot == null) {
            t.downloadWeights(sink);
        } else {
            t.downloadState(slot, sink);
        }
        return out;
    }

    static Map<String, Tensor> weightsAsTensors(TrainingExecution.DeviceTrainer t) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        t.downloadWeights((name, shape, values) -> out.put(name, Tensor.ofFloats(values, shape)));
        return out;
    }

    /** ‖a − b‖ / ‖b‖ in float64; ‖a − b‖ when b is 0. */
    static double relative(double[] a, double[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < b.length; i++) {
            double d = a[i] - b[i];
            num += d * d;
            den += b[i] * b[i];
        }
        return den == 0 ? Math.sqrt(num) : Math.sqrt(num / den);
    }

    /** Per tensor: relative error of {@code device} against {@code host}; worst first in the message. */
    static List<String> compare(Map<String, double[]> device, Map<String, double[]> host, double bound,
                                Map<String, Double> errors) {
        List<String> failures = new ArrayList<>();
        for (var e : host.entrySet()) {
            double[] d = device.get(e.getKey());
            if (d == null) {
                failures.add(e.getKey() + ": missing on the device");
                continue;
            }
            double err = relative(d, e.getValue());
            errors.put(e.getKey(), err);
            if (!(err <= bound)) {
                failures.add(e.getKey() + ": relative error " + err + " > " + bound);
            }
        }
        for (String name : device.keySet()) {
            if (!host.containsKey(name)) {
                failures.add(name + ": on the device only");
            }
        }
        return failures;
    }

    /** The host reference trainer: float64 autodiff, AdamW and clipping of nemotron-train. */
    static final class Host {
        final TrainableModel model;
        final AdamW adamw = new AdamW();
        long step;

        Host(Path dir) {
            model = TrainableModel.load(dir);
        }

        /** Sum over the rows of each row's mean-loss gradients; returns the summed loss. */
        double gradients(Batch b, Gradients g) {
            double loss = 0;
            for (int r = 0; r < b.rows(); r++) {
                loss += model.lossAndGradients(b.idsOf(r), b.labelsOf(r), g);
            }
            return loss;
        }

        Map<String, double[]> weights() {
            Map<String, double[]> out = new LinkedHashMap<>();
            for (String n : model.parameters().names()) {
                out.put(n, model.parameters().get(n).clone());
            }
            return out;
        }

        /** One training step on the batch's mean gradients (rows averaged); returns the mean loss. */
        double trainStep(Batch b, double lr, double maxNorm) {
            Gradients g = model.newGradients();
            double loss = gradients(b, g) / b.rows();
            g.scale(1.0 / b.rows());
            List<Parameter> ps = new ArrayList<>();
            for (String n : model.parameters().names()) {
                ps.add(DecayPolicy.nemotronDefault().parameter(n, model.parameters().get(n), g.get(n)));
            }
            ParameterGroup group = ParameterGroup.of(ps);
            GradientClipping.clipGlobalNorm(group, maxNorm);
            adamw.step(group, ++step, lr);
            return loss;
        }
    }
}
