package dev.nemotron.infer.engine;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.ModelArtifact;
import dev.nemotron.api.backend.ModelExecution;
import dev.nemotron.arch.config.ModelDirectory;
import dev.nemotron.arch.model.HybridModel;
import dev.nemotron.arch.model.RunOptions;
import java.util.Optional;

/**
 * The one place that decides how a model runs on a backend, so that no caller branches on the
 * backend's facets: by whole-model execution where the backend offers one that opens HF models
 * (weights and caches stay on its device), else on the host model ({@link HybridModel}) over the
 * backend's kernels.
 */
public final class ModelRuns {
    private ModelRuns() {
    }

    /** How a model runs. */
    public enum Mode {
        /** The backend's {@link Backend#modelExecution()} runs the model as a whole on its device. */
        WHOLE_MODEL,
        /** The SDK's host model runs layer by layer on the backend's {@link Backend#kernels()}. */
        KERNELS
    }

    /**
     * How {@code backend} runs an HF model.
     *
     * @throws NemotronException when it offers neither facet for HF models
     */
    public static Mode mode(Backend backend) {
        if (wholeModel(backend).isPresent()) {
            return Mode.WHOLE_MODEL;
        }
        if (backend.kernels().isPresent()) {
            return Mode.KERNELS;
        }
        throw new NemotronException("backend '" + backend.name() + "' cannot run this model: it offers neither kernels"
                + " nor whole-model execution of HF model directories; choose another with --backend (see 'nemotron backends')");
    }

    /** The backend's whole-model execution, if it offers one that opens HF models. */
    public static Optional<ModelExecution> wholeModel(Backend backend) {
        return backend.modelExecution().filter(e -> e.opens(ModelArtifact.HfModel.class));
    }

    /**
     * Opens the model of {@code dir} on {@code backend} as {@link #mode} chooses.
     *
     * @param deviceSizes the device session's sizes, for {@link Mode#WHOLE_MODEL} (the host model
     *                    grows its caches as sequences need)
     */
    public static RunningModel open(ModelDirectory dir, Backend backend, DeviceModels.Options deviceSizes) {
        return open(dir, backend, deviceSizes, RunOptions.defaults());
    }

    /**
     * {@link #open(ModelDirectory, Backend, DeviceModels.Options)} with the host model's weight and
     * KV cache types ({@code --weights}, {@code --kv-cache}).
     *
     * @throws NemotronException when {@code host} is not the default and the backend runs whole models,
     *     or when {@code deviceSizes} asks for a KV pool and the backend runs kernels on the host
     */
    public static RunningModel open(ModelDirectory dir, Backend backend, DeviceModels.Options deviceSizes, RunOptions host) {
        Mode mode = mode(backend);
        if (mode == Mode.WHOLE_MODEL && !host.equals(RunOptions.defaults())) {
            throw new NemotronException(HOST_ONLY + "; '" + backend.name() + "' runs whole models");
        }
        if (mode == Mode.KERNELS && deviceSizes.kvCacheTokens() > 0) {
            throw new NemotronException(DEVICE_ONLY + "; '" + backend.name() + "' runs the model kernel by kernel");
        }
        return switch (mode) {
            case WHOLE_MODEL -> new RunningModel.OnDevice(
                    DeviceModels.load(dir, wholeModel(backend).orElseThrow(), deviceSizes), deviceSizes.maxSequenceLength());
            case KERNELS -> new RunningModel.OnHost(HybridModel.load(dir, backend, host));
        };
    }

    /** What a kernel-by-kernel backend says to {@code --kv-cache-tokens}. */
    public static final String DEVICE_ONLY = "--kv-cache-tokens sizes the paged KV cache of a backend that runs whole models"
            + " (e.g. cuda); the host keeps each sequence's cache apart (limit it with --cache-budget-mib)";

    /** What a whole-model backend says to {@code --weights} or {@code --kv-cache}. */
    public static final String HOST_ONLY = "--weights and --kv-cache apply to backends that run the model kernel by kernel (e.g. java)";
}
