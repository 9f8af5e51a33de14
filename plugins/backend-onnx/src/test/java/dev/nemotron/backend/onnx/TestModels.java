package dev.nemotron.backend.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.nemotron.api.backend.ModelArtifact;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.config.ModelDirectory;
import dev.nemotron.arch.safetensors.Checkpoint;
import dev.nemotron.infer.engine.DeviceModels;
import dev.nemotron.testing.Fixtures;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Map;

/** Fixture models as the exporter and the backend receive them, and ORT runs of exported graphs. */
final class TestModels {
    private TestModels() {
    }

    /** An open fixture: its checkpoint stays open (the artifact reads from it) until closed. */
    record Opened(Path dir, Checkpoint checkpoint, ModelArtifact.HfModel artifact) implements AutoCloseable {
        @Override
        public void close() {
            checkpoint.close();
        }
    }

    static Opened open(String fixture, int maxSequences, int maxLength) {
        Path dir = Fixtures.dir(fixture);
        ModelDirectory md = ModelDirectory.open(dir);
        Checkpoint ckpt = md.openCheckpoint();
        return new Opened(dir, ckpt, DeviceModels.artifact(md, ckpt,
                new DeviceModels.Options(maxSequences, maxLength, 2048, DType.F32)));
    }

    static int[] ints(Tensor t) {
        int[] out = new int[(int) t.numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) t.getLong(i);
        }
        return out;
    }

    /** ‖a − b‖ / ‖b‖. */
    static double relativeError(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths " + a.length + " vs " + b.length);
        }
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            num += d * d;
            den += (double) b[i] * b[i];
        }
        return Math.sqrt(num / den);
    }

    /** The logits [T, V] of {@code prefill.onnx} for one sequence, straight through ORT Java. */
    static float[] prefillLogits(Path export, int[] ids) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(export.resolve("prefill.onnx").toString(), new OrtSession.SessionOptions())) {
            long[] l = new long[ids.length];
            for (int i = 0; i < l.length; i++) {
                l[i] = ids[i];
            }
            try (OnnxTensor in = OnnxTensor.createTensor(env, LongBuffer.wrap(l), new long[] {1, ids.length});
                 OrtSession.Result r = s.run(Map.of("input_ids", in))) {
                FloatBuffer fb = ((OnnxTensor) r.get("logits").orElseThrow()).getFloatBuffer();
                float[] out = new float[fb.remaining()];
                fb.get(out);
                return out;
            }
        }
    }
}
