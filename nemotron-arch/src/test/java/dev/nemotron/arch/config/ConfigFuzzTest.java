package dev.nemotron.arch.config;

import dev.nemotron.fuzz.Fuzz;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes {@link ConfigParser#parse(Path)} with mutants of the example configs: every file either
 * parses or is rejected with one {@link ConfigException} line; see docs/fuzzing.md.
 */
class ConfigFuzzTest {
    @TempDir
    Path dir;

    static List<byte[]> seeds() {
        List<byte[]> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("../examples/configs"))) {
            for (Path d : s.sorted().toList()) {
                out.add(Files.readAllBytes(d.resolve("config.json")));
            }
            out.add(Files.readAllBytes(dev.nemotron.testing.Fixtures.dir("tiny-nemotron-h-a").resolve("config.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    @Test
    void configJson() {
        ConfigParser parser = ConfigParser.withDiscoveredLayers();
        Fuzz.target("config-json")
                .seeds(seeds())
                .clean(t -> t instanceof ConfigException)
                .run(bytes -> parser.parse(new String(bytes, StandardCharsets.UTF_8), "config.json"));
    }

    /** Through the file, as the CLI reads it: bytes that are not UTF-8 included. */
    @Test
    void configFile() {
        ConfigParser parser = ConfigParser.withDiscoveredLayers();
        Path f = dir.resolve("config.json");
        Fuzz.target("config-file")
                .seeds(seeds())
                .clean(t -> t instanceof ConfigException)
                .run(bytes -> {
                    Files.write(f, bytes);
                    parser.parse(f);
                });
    }
}
