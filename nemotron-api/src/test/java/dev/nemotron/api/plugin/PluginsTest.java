package dev.nemotron.api.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginsTest {
    private static final String FIXTURE = "dev.nemotron.api.plugin.fixture.";

    /**
     * A class-path "plugin jar": its services file lists a working provider, one whose
     * constructor throws and one whose class is missing; the fixture classes are defined in this
     * loader's unnamed module, as a jar's classes on the class path would be.
     */
    private static final class PluginJarLoader extends ClassLoader {
        private final URL services;

        PluginJarLoader(URL services) {
            super(PluginsTest.class.getClassLoader());
            this.services = services;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith(FIXTURE)) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c != null) {
                    return c;
                }
                try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                    if (in == null) {
                        throw new ClassNotFoundException(name);
                    }
                    byte[] bytes = in.readAllBytes();
                    return defineClass(name, bytes, 0, bytes.length);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            if (name.equals("META-INF/services/" + Supplier.class.getName())) {
                return Collections.enumeration(List.of(services));
            }
            return super.getResources(name);
        }
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static List<Plugins.Discovered<Supplier>> discover(Path dir, String... providers) throws IOException {
        Path file = dir.resolve("services");
        Files.writeString(file, String.join("\n", providers) + "\n");
        return Plugins.discover(Supplier.class, new PluginJarLoader(file.toUri().toURL()));
    }

    @Test
    @SuppressWarnings("rawtypes")
    void aProviderThatFailsIsReportedAndTheOthersAreStillFound(@TempDir Path dir) throws IOException {
        List<Plugins.Discovered<Supplier>> found = discover(dir,
                FIXTURE + "FailingProvider", FIXTURE + "GoodProvider", "no.such.MissingProvider");

        List<Supplier> ok = Plugins.providers(found);
        assertThat(ok).hasSize(1);
        assertThat(ok.getFirst().get()).isEqualTo("good");
        assertThat(ok.getFirst().getClass().getModule().isNamed()).as("fixture is on the 'class path'").isFalse();

        List<Plugins.Discovered<Supplier>> failed = Plugins.failures(found);
        assertThat(failed).hasSize(2);
        Plugins.Discovered<Supplier> failing = failed.stream()
                .filter(d -> d.type().equals(FIXTURE + "FailingProvider")).findFirst().orElseThrow();
        assertThat(failing.module()).isEqualTo("(class path)");
        assertThat(failing.failure()).startsWith("provider failed to start: ").contains("FailingProvider");
        assertThat(failing.describeFailure()).startsWith(FIXTURE + "FailingProvider ((class path)): provider failed to start");
        Plugins.Discovered<Supplier> missing = failed.stream().filter(d -> d.type().equals("<broken>")).findFirst().orElseThrow();
        assertThat(missing.failure()).startsWith("provider could not be loaded: ").contains("no.such.MissingProvider");
    }

    @Test
    @SuppressWarnings("rawtypes")
    void loadWarnsOnceForEachFailedProviderAndReturnsTheOthers(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("services");
        Files.writeString(file, FIXTURE + "FailingProvider\n" + FIXTURE + "GoodProvider\n");
        List<String> warnings = new java.util.ArrayList<>();
        List<Supplier> ok = Plugins.load(Supplier.class, new PluginJarLoader(file.toUri().toURL()), warnings::add);
        assertThat(ok).singleElement().extracting(Supplier::get).isEqualTo("good");
        assertThat(warnings).singleElement().asString()
                .startsWith("Supplier plugin skipped: " + FIXTURE + "FailingProvider ((class path)): provider failed to start");
    }

    @Test
    @SuppressWarnings("rawtypes")
    void withoutFailuresEveryProviderIsConstructed(@TempDir Path dir) throws IOException {
        List<Plugins.Discovered<Supplier>> found = discover(dir, FIXTURE + "GoodProvider");
        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.ok()).isTrue();
            assertThat(d.type()).isEqualTo(FIXTURE + "GoodProvider");
        });
        assertThat(Plugins.failures(found)).isEmpty();
    }
}
