package dev.nemotron.backend.onnx;

import dev.nemotron.api.backend.Availability;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.BackendProvider;
import dev.nemotron.api.backend.Capability;
import java.util.EnumSet;
import java.util.Set;

/**
 * Provider of the ONNX Runtime backend, {@code onnx}: whole-model execution of the exported graphs
 * (docs/onnx.md). Priority 50, below the pure-Java backend: it is used when named
 * ({@code --backend onnx}).
 */
public final class OnnxBackendProvider implements BackendProvider {
    /** The name users select this backend by. */
    public static final String NAME = "onnx";

    private OrtProbe probe;

    /** Public no-argument constructor for {@link java.util.ServiceLoader}. */
    public OnnxBackendProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 50;
    }

    synchronized OrtProbe probe() {
        if (probe == null) {
            probe = OrtProbe.run();
        }
        return probe;
    }

    @Override
    public Availability availability() {
        return probe().availability();
    }

    @Override
    public Set<Capability> capabilities() {
        EnumSet<Capability> c = EnumSet.of(Capability.MODEL_EXECUTION, Capability.CPU, Capability.WEIGHTS_F32,
                Capability.WEIGHTS_BF16, Capability.WEIGHTS_F16);
        if (probe().cuda()) {
            c.add(Capability.GPU);
        }
        return Set.copyOf(c);
    }

    @Override
    public Backend create() {
        OrtProbe p = probe();
        if (!p.availability().available()) {
            throw new IllegalStateException("the onnx backend is not available: " + p.availability().reason());
        }
        return new OnnxBackend(p, capabilities(), OnnxSettings.ofThisJvm());
    }
}
