package dev.nemotron.backend.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nemotron.api.backend.Availability;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * On the class path without {@code --add-modules jdk.incubator.vector} the Vector API is absent:
 * the {@code java} backend must say so (with the fix) instead of throwing
 * {@code NoClassDefFoundError}, so that discovery can fall back to {@code java-reference}.
 */
class ClassPathAvailabilityTest {
    @Test
    void withoutTheVectorModuleJavaIsUnavailableWithTheFixAndReferenceStaysAvailable() throws Exception {
        List<String> lines = probe(false);
        assertEquals(List.of("java|false|the Vector API module jdk.incubator.vector is not resolved (on the class"
                        + " path): add --add-modules jdk.incubator.vector to the java command, or run on the module path",
                "java-reference|true"), lines.stream().map(l -> l.startsWith("java-reference|true")
                        ? "java-reference|true" : l).toList());
    }

    @Test
    void withTheVectorModuleJavaIsAvailable() throws Exception {
        List<String> lines = probe(true);
        assertTrue(lines.get(0).startsWith("java|true|available: "), lines.toString());
    }

    private static List<String> probe(boolean addVectorModule) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String cp = String.join(File.pathSeparator, location(Availability.class), location(JavaBackendProvider.class),
                location(ClassPathProbe.class));
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", cp));
        if (addVectorModule) {
            cmd.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        }
        cmd.add(ClassPathProbe.class.getName());
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }

    private static String location(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
