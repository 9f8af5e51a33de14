package dev.nemotron.api.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void writesAndReplacesLeavingNoTemporaryFile() throws IOException {
        Path f = dir.resolve("run.json");
        AtomicFiles.writeString(f, "old");
        AtomicFiles.writeString(f, "new é");
        assertThat(Files.readString(f)).isEqualTo("new é");
        AtomicFiles.write(f, ch -> ch.write(ByteBuffer.wrap(new byte[] {1, 2})));
        assertThat(Files.readAllBytes(f)).containsExactly(1, 2);
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).containsExactly(f);
        }
    }

    @Test
    void aWriterThatClosesItsStreamStillWritesTheWholeFile() throws IOException {
        Path f = dir.resolve("chart.png");
        AtomicFiles.writeStream(f, out -> {
            try (out) {
                out.write(new byte[] {7, 8, 9});
            }
        });
        assertThat(Files.readAllBytes(f)).containsExactly(7, 8, 9);
    }

    @Test
    void aFailingWriterLeavesTheTargetAsItWasAndNoTemporaryFile() throws IOException {
        Path f = dir.resolve("report.md");
        AtomicFiles.writeString(f, "whole");
        assertThatThrownBy(() -> AtomicFiles.writeStream(f, out -> {
            out.write("half".getBytes());
            throw new IOException("disk full");
        })).isInstanceOf(IOException.class).hasMessage("disk full");
        assertThat(Files.readString(f)).isEqualTo("whole");
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).containsExactly(f);
        }
    }
}
