package dev.nemotron.arch.layer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.layer.MixerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The built-in layers are found on the module path and on the class path alike. */
class ServiceFilesTest {
    @Test
    void metaInfServicesListsWhatModuleInfoProvides() throws IOException {
        Module module = MixerRegistry.class.getModule();
        assertThat(module.isNamed()).isTrue();
        List<String> provided = module.getDescriptor().provides().stream()
                .filter(p -> p.service().equals(MixerFactory.class.getName()))
                .flatMap(p -> p.providers().stream()).sorted().toList();
        List<String> listed;
        try (InputStream in = module.getResourceAsStream("META-INF/services/" + MixerFactory.class.getName())) {
            assertThat(in).as("META-INF/services file").isNotNull();
            listed = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(l -> !l.isEmpty()).sorted().collect(Collectors.toList());
        }
        assertThat(listed).isEqualTo(provided).hasSize(3);
    }

    @Test
    void registryFindsTheThreeBuiltInLayers() {
        MixerRegistry r = MixerRegistry.discover();
        assertThat(r.bySymbol('M')).isPresent();
        assertThat(r.bySymbol('*')).isPresent();
        assertThat(r.bySymbol('-')).isPresent();
        assertThat(r.byBlockTypeName("linear_attention")).isPresent();
        assertThat(r.byBlockTypeName("full_attention")).isPresent();
    }
}
