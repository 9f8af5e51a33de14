package dev.nemotron.train.autodiff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.layer.train.TrainableMixerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The trainable forms of the built-in layers are registered on the module path and the class path alike. */
class TrainableServicesTest {
    @Test
    void metaInfServicesListsWhatModuleInfoProvides() throws IOException {
        Module module = TrainableModel.class.getModule();
        assertThat(module.isNamed()).isTrue();
        List<String> provided = module.getDescriptor().provides().stream()
                .filter(p -> p.service().equals(TrainableMixerFactory.class.getName()))
                .flatMap(p -> p.providers().stream()).sorted().toList();
        List<String> listed;
        try (InputStream in = module.getResourceAsStream("META-INF/services/" + TrainableMixerFactory.class.getName())) {
            assertThat(in).as("META-INF/services file").isNotNull();
            listed = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(l -> !l.isEmpty()).sorted().toList();
        }
        assertThat(listed).isEqualTo(provided).hasSize(3);
    }

    @Test
    void theBuiltInSymbolsEachHaveATrainableForm() {
        List<Character> symbols = ServiceLoader.load(TrainableMixerFactory.class).stream()
                .map(p -> p.get().symbol()).toList();
        assertThat(symbols).contains('M', '*', '-');
    }
}
