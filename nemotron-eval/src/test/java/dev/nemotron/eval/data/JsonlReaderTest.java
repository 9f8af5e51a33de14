package dev.nemotron.eval.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A task's JSONL data set: one JSON object per line, UTF-8; anything else is one error naming file and line. */
class JsonlReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsOneObjectPerLine() throws Exception {
        Files.writeString(dir.resolve("d.jsonl"), "{\"q\": \"a\"}\n\n{\"q\": \"\u00e9\"}\n");
        var docs = JsonlReader.read(TaskLocation.directory(dir), "d.jsonl");
        assertThat(docs).hasSize(2);
        assertThat(docs.get(1).fields().get("q").asText()).isEqualTo("\u00e9");
    }

    @Test
    void twoObjectsOrGarbageOnOneLineAreRejected() throws Exception {
        Path f = Files.writeString(dir.resolve("d.jsonl"), "{\"q\": \"a\"}\n{\"text\":\"a\"} {\"text\":\"b\"}\n");
        assertThatThrownBy(() -> JsonlReader.read(TaskLocation.directory(dir), "d.jsonl")).isInstanceOf(NemotronException.class)
                .hasMessageStartingWith(f + ":2: not valid JSON: unexpected text after the JSON value").hasMessageNotContaining("\n");
        Files.writeString(f, "{\"text\":\"a\"}garbage\n");
        assertThatThrownBy(() -> JsonlReader.read(TaskLocation.directory(dir), "d.jsonl"))
                .hasMessageStartingWith(f + ":1: not valid JSON: ");
    }

    @Test
    void invalidUtf8NamesFileAndLine() throws Exception {
        Path f = dir.resolve("d.jsonl");
        Files.write(f, new byte[] {'{', '}', '\n', '{', '"', 'q', '"', ':', '"', (byte) 0xFF, '"', '}', '\n'});
        assertThatThrownBy(() -> JsonlReader.read(TaskLocation.directory(dir), "d.jsonl")).isInstanceOf(NemotronException.class)
                .hasMessage(f + ":2: not valid UTF-8 (byte 0xFF at byte 7 of the line); save the file as UTF-8");
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aNamedPipeIsRefusedWithoutOpeningIt() throws Exception {
        Path fifo = dir.resolve("d.jsonl");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor()).isZero();
        assertThatThrownBy(() -> JsonlReader.read(TaskLocation.directory(dir), "d.jsonl")).isInstanceOf(NemotronException.class)
                .hasMessage(fifo + ": not a regular file");
    }
}
