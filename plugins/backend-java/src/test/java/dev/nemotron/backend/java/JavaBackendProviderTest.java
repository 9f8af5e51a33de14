package dev.nemotron.backend.java;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.BackendProvider;
import dev.nemotron.api.backend.Capability;
import dev.nemotron.api.backend.Kernels;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class JavaBackendProviderTest {
    @Test
    void serviceLoaderFindsTheJavaProvider() {
        // The tests are patched into the plugin module, which provides but does not use the service.
        JavaBackendProviderTest.class.getModule().addUses(BackendProvider.class);
        List<BackendProvider> found = ServiceLoader.load(BackendProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("java")).toList();
        assertThat(found).hasSize(1);
        BackendProvider p = found.getFirst();
        assertThat(p).isInstanceOf(JavaBackendProvider.class);
        assertThat(p.priority()).isEqualTo(100);
        assertThat(p.availability().available()).isTrue();
        assertThat(p.availability().reason())
                .contains(Runtime.getRuntime().availableProcessors() + " core")
                .containsPattern("\\d+-bit vectors");
        assertThat(p.capabilities()).containsExactlyInAnyOrder(Capability.KERNELS, Capability.CPU,
                Capability.WEIGHTS_F32, Capability.WEIGHTS_BF16, Capability.WEIGHTS_F16, Capability.WEIGHTS_Q8_0);
    }

    @Test
    void createdBackendOffersTheKernelFacetOnly() {
        try (Backend b = new JavaBackendProvider().create()) {
            assertThat(b.name()).isEqualTo("java");
            assertThat(b.capabilities()).contains(Capability.KERNELS)
                    .doesNotContain(Capability.MODEL_EXECUTION, Capability.TRAINING_EXECUTION);
            assertThat(b.modelExecution()).isEmpty();
            assertThat(b.trainingExecution()).isEmpty();
            Kernels k = b.kernels().orElseThrow();
            float[] x = {-1f, 0f, 2f};
            k.activations().relu2(x, 3);
            assertThat(x).containsExactly(0f, 0f, 4f);
        }
    }

    @Test
    void everyBackendOffersExactlyTheFacetsItsProviderDeclares() {
        JavaBackendProviderTest.class.getModule().addUses(BackendProvider.class);
        List<BackendProvider> providers = ServiceLoader.load(BackendProvider.class).stream()
                .map(ServiceLoader.Provider::get).toList();
        assertThat(providers).extracting(BackendProvider::name).contains("java", "java-reference");
        for (BackendProvider p : providers) {
            try (Backend b = p.create()) {
                assertThat(b.capabilities()).as(p.name()).isEqualTo(p.capabilities());
                assertThat(b.kernels().isPresent()).as(p.name()).isEqualTo(p.capabilities().contains(Capability.KERNELS));
                assertThat(b.modelExecution().isPresent()).as(p.name())
                        .isEqualTo(p.capabilities().contains(Capability.MODEL_EXECUTION));
                assertThat(b.trainingExecution().isPresent()).as(p.name())
                        .isEqualTo(p.capabilities().contains(Capability.TRAINING_EXECUTION));
            }
        }
    }
}
