package dev.nemotron.infer.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.Capability;
import dev.nemotron.api.backend.DeviceModel;
import dev.nemotron.api.backend.DeviceWeights;
import dev.nemotron.api.backend.Kernels;
import dev.nemotron.api.backend.ModelArtifact;
import dev.nemotron.api.backend.ModelExecution;
import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.config.ModelDirectory;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.arch.model.HybridModel;
import dev.nemotron.arch.model.RunOptions;
import dev.nemotron.infer.server.ChatTemplateChoice;
import dev.nemotron.infer.server.ModelOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one decision of how a model runs: whole-model execution where it opens HF models, else kernels. */
class ModelRunsTest {
    static final Path MODEL = dev.nemotron.testing.Fixtures.dir("tiny-nemotron-h-a");
    static final DeviceModels.Options SIZES = new DeviceModels.Options(3, 64, 16, null);

    /** A backend with the given facets; its execution records what it opens. */
    private static final class FakeBackend implements Backend {
        final Kernels kernels;
        final boolean opensHf;
        final boolean execution;
        final List<ModelArtifact> opened = new ArrayList<>();

        FakeBackend(Kernels kernels, boolean execution, boolean opensHf) {
            this.kernels = kernels;
            this.execution = execution;
            this.opensHf = opensHf;
        }

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of();
        }

        @Override
        public Optional<Kernels> kernels() {
            return Optional.ofNullable(kernels);
        }

        @Override
        public Optional<ModelExecution> modelExecution() {
            if (!execution) {
                return Optional.empty();
            }
            return Optional.of(new ModelExecution() {
                @Override
                public boolean opens(Class<? extends ModelArtifact> kind) {
                    return opensHf && kind == ModelArtifact.HfModel.class;
                }

                @Override
                public DeviceModel open(ModelArtifact artifact) {
                    opened.add(artifact);
                    return new FakeDeviceModel(512, 3);
                }
            });
        }
    }

    @Test
    void aKernelBackendRunsTheHostModel() {
        ModelDirectory dir = ModelDirectory.open(MODEL);
        try (Backend java = Backends.create("java")) {
            assertThat(ModelRuns.mode(java)).isEqualTo(ModelRuns.Mode.KERNELS);
            try (RunningModel m = ModelRuns.open(dir, java, SIZES)) {
                assertThat(m).isInstanceOf(RunningModel.OnHost.class);
                assertThat(m.languageModel()).isInstanceOf(HybridLanguageModel.class);
                assertThat(m.languageModel().vocabSize()).isEqualTo(dir.config().vocabSize());
            }
        }
    }

    @Test
    void wholeModelExecutionOfHfModelsIsPreferredOverKernels() {
        ModelDirectory dir = ModelDirectory.open(MODEL);
        try (Backend java = Backends.create("java")) {
            FakeBackend device = new FakeBackend(java.kernels().orElseThrow(), true, true);
            assertThat(ModelRuns.mode(device)).isEqualTo(ModelRuns.Mode.WHOLE_MODEL);
            try (RunningModel m = ModelRuns.open(dir, device, SIZES)) {
                assertThat(m).isInstanceOf(RunningModel.OnDevice.class);
                assertThat(m.languageModel()).isInstanceOf(DeviceLanguageModel.class);
            }
            assertThat(device.opened).hasSize(1);
            ModelArtifact.HfModel hf = (ModelArtifact.HfModel) device.opened.getFirst();
            assertThat(hf.spec().maxSequences()).isEqualTo(3);
            assertThat(hf.spec().maxSequenceLength()).isEqualTo(64);
            assertThat(hf.spec().maxPrefillTokens()).isEqualTo(16);
            assertThat(hf.spec().pattern()).isEqualTo(dir.config().pattern());
            assertThat(hf.spec().weights()).isInstanceOf(DeviceWeights.Checkpoint.class);
            assertThat(hf.source()).endsWith("config.json");
        }
    }

    /** A served model's --kv-cache-tokens reaches a whole-model backend's spec; a host backend refuses it with the reason. */
    @Test
    void aKvPoolSizeReachesTheDeviceAndIsRefusedOnTheHost() {
        ModelDirectory dir = ModelDirectory.open(MODEL);
        DeviceModels.Options pooled = new ModelOptions(null, new EngineConfig(3, 8, 1 << 20), null, ChatTemplateChoice.AUTO,
                RunOptions.defaults(), 96).deviceSizes(64);
        assertThat(pooled).isEqualTo(new DeviceModels.Options(3, 64, DeviceModels.DEFAULT_PREFILL_TOKENS, null, 96));
        try (Backend java = Backends.create("java")) {
            FakeBackend device = new FakeBackend(java.kernels().orElseThrow(), true, true);
            try (RunningModel m = ModelRuns.open(dir, device, pooled)) {
                assertThat(m).isInstanceOf(RunningModel.OnDevice.class);
            }
            assertThat(((ModelArtifact.HfModel) device.opened.getFirst()).spec().kvCacheTokens()).isEqualTo(96);
            assertThatThrownBy(() -> ModelRuns.open(dir, java, pooled))
                    .isInstanceOf(NemotronException.class)
                    .hasMessage(ModelRuns.DEVICE_ONLY + "; 'java' runs the model kernel by kernel");
        }
    }

    @Test
    void hostRunOptionsReachTheHostModel() {
        ModelDirectory dir = ModelDirectory.open(MODEL);
        RunOptions q8bf16 = new RunOptions(DType.Q8_0, DType.BF16);
        try (Backend java = Backends.create("java");
             RunningModel m = ModelRuns.open(dir, java, SIZES, q8bf16)) {
            HybridModel host = ((HybridLanguageModel) m.languageModel()).model();
            assertThat(host.options()).isEqualTo(q8bf16);
        }
    }

    @Test
    void hostRunOptionsAreRefusedForWholeModelExecutionWithTheReason() {
        ModelDirectory dir = ModelDirectory.open(MODEL);
        try (Backend java = Backends.create("java")) {
            FakeBackend device = new FakeBackend(java.kernels().orElseThrow(), true, true);
            assertThatThrownBy(() -> ModelRuns.open(dir, device, SIZES, RunOptions.defaults().withKvCache(DType.BF16)))
                    .isInstanceOf(NemotronException.class)
                    .hasMessage(ModelRuns.HOST_ONLY + "; 'fake' runs whole models");
            assertThat(device.opened).isEmpty();
            // the defaults are what a device runs: accepted
            try (RunningModel m = ModelRuns.open(dir, device, SIZES, RunOptions.defaults())) {
                assertThat(m).isInstanceOf(RunningModel.OnDevice.class);
            }
        }
    }

    @Test
    void anExecutionThatDoesNotOpenHfModelsLeavesTheKernels() {
        try (Backend java = Backends.create("java")) {
            FakeBackend onnxLike = new FakeBackend(java.kernels().orElseThrow(), true, false);
            assertThat(ModelRuns.mode(onnxLike)).isEqualTo(ModelRuns.Mode.KERNELS);
            assertThat(ModelRuns.wholeModel(onnxLike)).isEmpty();
        }
    }

    @Test
    void aBackendWithNeitherFacetIsAUserError() {
        FakeBackend none = new FakeBackend(null, true, false);
        assertThatThrownBy(() -> ModelRuns.mode(none)).isInstanceOf(NemotronException.class)
                .hasMessageContaining("backend 'fake' cannot run this model").hasMessageContaining("--backend");
        assertThatThrownBy(() -> HybridModel.load(ModelDirectory.open(MODEL), none)).isInstanceOf(NemotronException.class)
                .hasMessageContaining("backend 'fake' offers no kernels");
    }
}
