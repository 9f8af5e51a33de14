package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's "Using it from Java" is the body of {@code examples/library}'s program, which
 * {@code .ci/run} compiles against the installed SDK and runs: every code line of the README's
 * block appears in the program, in the same order, so the README cannot drift from code that runs.
 */
class ReadmeExampleTest {
    @Test
    void theReadmesJavaExampleIsTheLibraryExamplesCode() throws Exception {
        Path root = CliRun.repoRoot();
        String readme = Files.readString(root.resolve("README.md"));
        int section = readme.indexOf("## Using it from Java");
        int start = readme.indexOf("```java\n", section) + "```java\n".length();
        String block = readme.substring(start, readme.indexOf("```", start));
        List<String> example = code(Files.readString(
                root.resolve("examples/library/src/main/java/com/example/nemotron/Quickstart.java")));
        List<String> shown = code(block).stream().filter(l -> !l.startsWith("// examples/library/")).toList();

        assertThat(shown).hasSizeGreaterThan(10);
        int at = 0;
        for (String line : shown) {
            int found = example.subList(at, example.size()).indexOf(line);
            assertThat(found).as("README line not in examples/library (in order): %s", line).isNotNegative();
            at += found + 1;
        }
    }

    private static List<String> code(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }
}
