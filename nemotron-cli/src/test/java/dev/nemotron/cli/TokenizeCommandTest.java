package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nemotron tokenize}: one {"ids":[...]} line per text; bad input is one error line naming file and line. */
class TokenizeCommandTest {
    /** The tokenizer fixtures, kept once in nemotron-infer's test resources. */
    private static final Path BPE = dev.nemotron.testing.Fixtures.dir("tokenizer-bpe")
            .toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @Test
    void encodesText() {
        CliRun r = CliRun.of("tokenize", "--tokenizer", BPE.toString(), "--text", "Hello, world!");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("{\"ids\":[421,81,365,17,311,281,432,6]}" + System.lineSeparator());
    }

    @Test
    void encodesAFieldOfEveryJsonlLine() throws Exception {
        Path f = Files.writeString(tmp.resolve("in.jsonl"),
                "{\"q\": \"Hello, world!\", \"n\": 1}\n\n{\"q\": \"<think>\\n\"}\n{\"q\": \"\"}\n");
        CliRun r = CliRun.of("tokenize", "--tokenizer", BPE.resolve("tokenizer.json").toString(), "--jsonl", f.toString(), "--field", "q");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out().lines().toList()).containsExactly(
                "{\"ids\":[421,81,365,17,311,281,432,6]}", "{\"ids\":[3,204]}", "{\"ids\":[]}");
    }

    private static void assertOneLineError(CliRun r, String... fragments) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as(r.err()).hasSize(1);
        assertThat(lines.get(0)).startsWith("error: ").doesNotContain("Exception");
        for (String frag : fragments) {
            assertThat(lines.get(0)).contains(frag);
        }
    }

    @Test
    void badJsonlLineNamesFileAndLine() throws Exception {
        Path f = Files.writeString(tmp.resolve("bad.jsonl"), "{\"q\": \"ok\"}\n{\"q\": oops}\n");
        assertOneLineError(CliRun.of("tokenize", "--tokenizer", BPE.toString(), "--jsonl", f.toString(), "--field", "q"),
                f + ":2: not valid JSON");
    }

    @Test
    void missingFieldNamesFileAndLine() throws Exception {
        Path f = Files.writeString(tmp.resolve("nofield.jsonl"), "{\"q\": \"ok\"}\n{\"other\": \"x\"}\n");
        assertOneLineError(CliRun.of("tokenize", "--tokenizer", BPE.toString(), "--jsonl", f.toString(), "--field", "q"),
                f + ":2: no field 'q'");
    }

    @Test
    void missingFiles() {
        assertOneLineError(CliRun.of("tokenize", "--tokenizer", tmp.resolve("none.json").toString(), "--text", "x"),
                tmp.resolve("none.json") + ": no such file");
        assertOneLineError(CliRun.of("tokenize", "--tokenizer", BPE.toString(), "--jsonl", tmp.resolve("no.jsonl").toString(), "--field", "q"),
                tmp.resolve("no.jsonl") + ": no such file");
    }

    @Test
    void needsExactlyOneInput() {
        CliRun r = CliRun.of("tokenize", "--tokenizer", BPE.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("exactly one of --text and --jsonl");
    }
}
