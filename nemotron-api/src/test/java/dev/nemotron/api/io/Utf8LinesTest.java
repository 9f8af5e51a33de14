package dev.nemotron.api.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class Utf8LinesTest {
    @TempDir
    Path tmp;

    private static List<String> all(Utf8Lines in) {
        List<String> out = new ArrayList<>();
        for (String l; (l = in.next()) != null; ) {
            out.add(l);
        }
        return out;
    }

    private static Utf8Lines of(byte[] bytes) {
        return Utf8Lines.of(new ByteArrayInputStream(bytes), "x.jsonl");
    }

    @Test
    void splitsLinesKeepsBlankOnesAndDropsCrAndBom() {
        byte[] text = "\uFEFFa\r\n\nb\u00e9\u4e16\uD83D\uDE00\nlast".getBytes(StandardCharsets.UTF_8);
        try (Utf8Lines in = of(text)) {
            assertThat(all(in)).containsExactly("a", "", "b\u00e9\u4e16\uD83D\uDE00", "last");
            assertThat(in.lineNumber()).isEqualTo(4);
            assertThat(in.next()).isNull();
        }
        try (Utf8Lines in = of("one\n".getBytes(StandardCharsets.UTF_8))) {
            assertThat(all(in)).containsExactly("one");
        }
        try (Utf8Lines in = of(new byte[0])) {
            assertThat(in.next()).isNull();
        }
    }

    @Test
    void linesLongerThanTheReadChunkAreWhole() {
        String longLine = "x".repeat(200_000) + "\u00e9";
        try (Utf8Lines in = of((longLine + "\n" + longLine).getBytes(StandardCharsets.UTF_8))) {
            assertThat(all(in)).containsExactly(longLine, longLine);
        }
    }

    @Test
    void invalidUtf8NamesFileLineAndByte() {
        byte[] bad = {'{', '}', '\n', '{', '"', 't', '"', ':', '"', (byte) 0xC3, '(', '"', '}', '\n'};
        try (Utf8Lines in = of(bad)) {
            assertThat(in.next()).isEqualTo("{}");
            assertThatThrownBy(in::next).isInstanceOf(NemotronException.class)
                    .hasMessage("x.jsonl:2: not valid UTF-8 (byte 0xC3 at byte 7 of the line); save the file as UTF-8");
        }
        byte[] truncated = {'a', '\n', 'b', (byte) 0xE4, (byte) 0xB8};
        try (Utf8Lines in = of(truncated)) {
            in.next();
            assertThatThrownBy(in::next).hasMessage("x.jsonl:2: not valid UTF-8 (byte 0xE4 at byte 2 of the line); save the file as UTF-8");
        }
    }

    @Test
    void readsGzipByNameAndRefusesMissingAndNonRegularFiles() throws Exception {
        Path gz = tmp.resolve("d.jsonl.gz");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(bytes)) {
            z.write("a\nb\n".getBytes(StandardCharsets.UTF_8));
        }
        Files.write(gz, bytes.toByteArray());
        try (Utf8Lines in = Utf8Lines.open(gz)) {
            assertThat(all(in)).containsExactly("a", "b");
            assertThat(in.where()).isEqualTo(gz + ":2");
        }
        assertThatThrownBy(() -> Utf8Lines.open(tmp.resolve("nope"))).hasMessage(tmp.resolve("nope") + ": no such file");
        assertThatThrownBy(() -> Utf8Lines.open(tmp)).hasMessage(tmp + ": not a regular file");
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aNamedPipeIsRefusedWithoutOpeningIt() throws Exception {
        Path fifo = tmp.resolve("fifo.jsonl");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor()).isZero();
        assertThatThrownBy(() -> Utf8Lines.open(fifo)).isInstanceOf(NemotronException.class).hasMessage(fifo + ": not a regular file");
    }
}
