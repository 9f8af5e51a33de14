package dev.nemotron.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.backend.Availability;
import dev.nemotron.api.backend.Capability;
import dev.nemotron.api.backend.ModelArtifact;
import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.backend.DiscoveredBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Availability without a GPU: every failure is a reason a user can act on, never an exception. */
class CudaBackendProviderTest {
    @Test
    void missingLibraryNamesEveryPlaceTried(@TempDir Path tmp) {
        Path jarDir = tmp.resolve("plugins");
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        var provider = new CudaBackendProvider(new LibraryLocator(null, null, jarDir, a + ":" + b));
        Availability av = provider.availability();
        assertThat(av.available()).isFalse();
        assertThat(av.reason()).contains("libnemotron_cuda.so not found").contains("NEMOTRON_CUDA_LIBRARY")
                .doesNotContain(jarDir.toString()).hasSizeLessThan(100).doesNotContain("\n");
        assertThat(av.detail()).startsWith("looked at: ").contains("nemotron.cuda.library")
                .contains(jarDir.resolve("libnemotron_cuda.so").toString())
                .contains(a.resolve("libnemotron_cuda.so").toString())
                .contains(b.resolve("libnemotron_cuda.so").toString());
    }

    @Test
    void anExplicitPathIsTheOnlyCandidate(@TempDir Path tmp) throws Exception {
        Files.createFile(tmp.resolve("libnemotron_cuda.so")); // would be found in the jar directory
        Path wrong = tmp.resolve("nowhere/libnemotron_cuda.so");
        var byProperty = new CudaBackendProvider(new LibraryLocator(wrong.toString(), "/env/path.so", tmp, null));
        assertThat(byProperty.availability().available()).isFalse();
        assertThat(byProperty.availability().reason()).contains("-Dnemotron.cuda.library=" + wrong).doesNotContain("/env/path.so");
        var byEnv = new CudaBackendProvider(new LibraryLocator(null, wrong.toString(), tmp, null));
        assertThat(byEnv.availability().reason()).contains("NEMOTRON_CUDA_LIBRARY=" + wrong);
    }

    @Test
    void aFileThatIsNoSharedLibraryReportsTheLoaderError(@TempDir Path tmp) throws Exception {
        Path bogus = tmp.resolve("libnemotron_cuda.so");
        Files.writeString(bogus, "this is not an ELF shared object\n".repeat(20));
        var provider = new CudaBackendProvider(new LibraryLocator(bogus.toString(), null, null, null));
        Availability av = provider.availability();
        assertThat(av.available()).isFalse();
        assertThat(av.reason()).startsWith("found " + bogus + " but cannot load it: ")
                .containsIgnoringCase("elf");
        assertThatThrownBy(provider::create).isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot load it");
    }

    @Test
    void aDirectoryInThePropertyMeansTheLibraryInside(@TempDir Path tmp) {
        var provider = new CudaBackendProvider(new LibraryLocator(tmp.toString(), null, null, null));
        assertThat(provider.availability().reason()).contains(tmp.resolve("libnemotron_cuda.so").toString());
    }

    @Test
    void namePriorityAndCapabilities() {
        var provider = new CudaBackendProvider();
        assertThat(provider.name()).isEqualTo("cuda");
        assertThat(provider.priority()).isEqualTo(200);
        assertThat(provider.capabilities()).containsExactlyInAnyOrder(Capability.KERNELS, Capability.GPU,
                Capability.WEIGHTS_F32, Capability.WEIGHTS_BF16, Capability.WEIGHTS_F16, Capability.MODEL_EXECUTION,
                Capability.TRAINING_EXECUTION);
    }

    @Test
    void modelExecutionOpensHfModels() {
        // opens() needs no library: it only names the artifact kinds
        assertThat(new CudaModelExecution(null).opens(ModelArtifact.HfModel.class)).isTrue();
    }

    @Test
    void isFoundByTheServiceLoaderAndNeverThrows() {
        DiscoveredBackend cuda = Backends.discover().stream().filter(b -> b.name().equals("cuda")).findFirst().orElseThrow();
        assertThat(cuda.module()).isEqualTo("dev.nemotron.backend.cuda");
        assertThat(cuda.priority()).isEqualTo(200);
        assertThat(cuda.availability().reason()).isNotBlank();
    }
}
