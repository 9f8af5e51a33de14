package dev.nemotron.backend.onnx;

import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.Capability;
import dev.nemotron.api.backend.ModelExecution;
import java.util.Optional;
import java.util.Set;

/** The ONNX Runtime backend: whole-model execution only (no kernels, no training). */
final class OnnxBackend implements Backend {
    private final OrtProbe probe;
    private final Set<Capability> capabilities;
    private final OnnxSettings settings;

    OnnxBackend(OrtProbe probe, Set<Capability> capabilities, OnnxSettings settings) {
        this.probe = probe;
        this.capabilities = capabilities;
        this.settings = settings;
    }

    @Override
    public String name() {
        return OnnxBackendProvider.NAME;
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public Optional<ModelExecution> modelExecution() {
        return Optional.of(new OnnxModelExecution(probe, settings));
    }
}
