package dev.nemotron.backend.onnx;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.DeviceModel;
import dev.nemotron.api.backend.DeviceModelSpec;
import dev.nemotron.api.backend.ModelArtifact;
import dev.nemotron.api.backend.ModelExecution;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.backend.onnx.export.ModelIdentity;
import dev.nemotron.backend.onnx.export.OnnxExport;
import dev.nemotron.backend.onnx.graph.IoNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Opens an HF model on ONNX Runtime: finds its export (the configured one, or the cache's
 * directory for the model's hashes, exporting there in f32 on first use), checks that the graphs
 * are of this model (config and weights hashes in their metadata), and creates the prefill and
 * decode sessions on the CPU or CUDA provider.
 */
final class OnnxModelExecution implements ModelExecution {
    private final OrtProbe probe;
    private final OnnxSettings settings;

    OnnxModelExecution(OrtProbe probe, OnnxSettings settings) {
        this.probe = probe;
        this.settings = settings;
    }

    @Override
    public boolean opens(Class<? extends ModelArtifact> kind) {
        return kind == ModelArtifact.HfModel.class;
    }

    @Override
    public DeviceModel open(ModelArtifact artifact) {
        return switch (artifact) {
            case ModelArtifact.HfModel hf -> open(hf.spec());
        };
    }

    private DeviceModel open(DeviceModelSpec spec) {
        ModelIdentity identity = ModelIdentity.of(spec);
        Path dir = settings.export() != null ? settings.export() : cached(spec, identity);
        OrtSession prefill = null;
        try {
            prefill = session(dir, IoNames.PREFILL_FILE, identity);
            OrtSession decode = session(dir, IoNames.DECODE_FILE, identity);
            return new OnnxDeviceModel(probe.env(), prefill, decode, spec, dir);
        } catch (RuntimeException e) {
            close(prefill);
            throw e;
        }
    }

    /** The cache's export of this model, made now if missing. */
    private Path cached(DeviceModelSpec spec, ModelIdentity identity) {
        // the format version is part of the name: a newer exporter never reuses an older graph
        Path dir = settings.cache().resolve("v" + OnnxExport.FORMAT_VERSION + "-" + identity.key());
        if (!Files.isRegularFile(dir.resolve(IoNames.DECODE_FILE))) {
            try {
                OnnxExport.write(spec, identity, DType.F32, dir);
            } catch (IOException e) {
                if (!Files.isRegularFile(dir.resolve(IoNames.DECODE_FILE))) {
                    throw new UncheckedIOException("could not export the model to ONNX under " + dir + ": " + e.getMessage()
                            + " (set nemotron.onnx.cache to a writable directory)", e);
                }
                // another process exported it meanwhile
            }
        }
        return dir;
    }

    private OrtSession session(Path dir, String file, ModelIdentity identity) {
        Path graph = dir.resolve(file);
        if (!Files.isRegularFile(graph)) {
            throw new NemotronException("no ONNX export at " + dir + " (" + file + " is missing): create one with"
                    + " 'nemotron export onnx --model DIR --out " + dir + "', or unset nemotron.onnx.export to export on first use");
        }
        OrtSession s = null;
        try {
            s = probe.env().createSession(graph.toString(), options());
            Map<String, String> meta = s.getMetadata().getCustomMetadata();
            check(graph, meta, OnnxExport.FORMAT_KEY, OnnxExport.FORMAT_VERSION, "export format version");
            check(graph, meta, ModelIdentity.CONFIG_KEY, identity.configHash(), "config (structure) hash");
            check(graph, meta, ModelIdentity.WEIGHTS_KEY, identity.weightsHash(), "weights hash");
            return s;
        } catch (OrtException e) {
            throw new NemotronException("ONNX Runtime cannot load " + graph + ": " + firstLine(e.getMessage())
                    + "; re-export it with 'nemotron export onnx'", e);
        } catch (RuntimeException e) {
            close(s);
            throw e;
        }
    }

    private static void check(Path graph, Map<String, String> meta, String key, String expected, String what) {
        String found = meta.get(key);
        if (!expected.equals(found)) {
            throw new NemotronException(graph + " is not an export of this model: its " + what + " is "
                    + (found == null ? "missing" : abbreviate(found)) + ", the model's is " + abbreviate(expected)
                    + "; export this model with 'nemotron export onnx' (or unset nemotron.onnx.export)");
        }
    }

    private OrtSession.SessionOptions options() throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        if (settings.threads() > 0) {
            o.setIntraOpNumThreads(settings.threads());
        }
        boolean wantCuda = settings.device().equals("cuda") || (settings.device().equals("auto") && probe.cuda());
        if (wantCuda) {
            if (!probe.cuda()) {
                throw new NemotronException("nemotron.onnx.device=cuda, but this ONNX Runtime has no CUDA execution provider:"
                        + " put com.microsoft.onnxruntime:onnxruntime_gpu in place of onnxruntime, or use device cpu");
            }
            try {
                o.addCUDA(0);
            } catch (OrtException e) {
                if (settings.device().equals("cuda")) {
                    throw new NemotronException("the CUDA execution provider failed to start: " + firstLine(e.getMessage()), e);
                }
            }
        } else if (!settings.device().equals("cpu") && !settings.device().equals("auto")) {
            throw new NemotronException("nemotron.onnx.device must be auto, cpu or cuda, got '" + settings.device() + "'");
        }
        return o;
    }

    private static String abbreviate(String hash) {
        return hash.length() > 16 ? hash.substring(0, 16) + "…" : hash;
    }

    static String firstLine(String s) {
        if (s == null) {
            return "(no message)";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static void close(OrtSession s) {
        if (s != null) {
            try {
                s.close();
            } catch (OrtException e) {
                // closing after a failure; the failure is what counts
            }
        }
    }
}
