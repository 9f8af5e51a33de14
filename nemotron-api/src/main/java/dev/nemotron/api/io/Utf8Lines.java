package dev.nemotron.api.io;

import dev.nemotron.api.NemotronException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reads a UTF-8 text file (a JSONL data set, a plain-text corpus) line by line, strictly: a byte
 * sequence that is not UTF-8 is an error naming the file, the line and the byte, never a silent
 * U+FFFD nor an {@code "Input length = 1"} without a place. Lines end at {@code \n} (a {@code \r}
 * before it is dropped); a UTF-8 byte order mark at the start is skipped. A line longer than
 * {@link #MAX_LINE_BYTES} is an error rather than an unbounded allocation.
 *
 * <pre>{@code
 * try (Utf8Lines in = Utf8Lines.open(Path.of("data.jsonl"))) {
 *     for (String line; (line = in.next()) != null; ) {
 *         ... in.where() ...   // "data.jsonl:12", for error messages
 *     }
 * }
 * }</pre>
 */
public final class Utf8Lines implements AutoCloseable {
    /** The longest line read (bytes, terminator excluded): 256 MiB. */
    public static final int MAX_LINE_BYTES = 256 << 20;

    private final InputStream in;
    private final String name;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    /** Bytes read from {@link #in} and not yet consumed: {@code chunk[pos, limit)}. */
    private final byte[] chunk = new byte[1 << 16];
    private int pos;
    private int limit;
    /** The line being assembled. */
    private byte[] buf = new byte[256];
    private int lineNumber;
    private boolean done;

    private Utf8Lines(InputStream in, String name) {
        this.in = in;
        this.name = name;
    }

    /**
     * Opens {@code file} (gzip-compressed when its name ends in {@code .gz}). A missing file, or one
     * that is not a regular file (a directory, a named pipe, which would block), is refused with one
     * error line before anything is read.
     */
    public static Utf8Lines open(Path file) {
        if (!Files.exists(file)) {
            throw new NemotronException(file + ": no such file");
        }
        if (!Files.isRegularFile(file)) {
            throw new NemotronException(file + ": not a regular file");
        }
        InputStream raw = null;
        try {
            raw = Files.newInputStream(file);
            InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
            return new Utf8Lines(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new NemotronException(file + ": no such file");
        } catch (IOException e) {
            closeQuietly(raw);
            throw new NemotronException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Reads {@code in} (closed by {@link #close}); {@code name} names it in errors. */
    public static Utf8Lines of(InputStream in, String name) {
        return new Utf8Lines(in, name);
    }

    /** The name given in errors (the file's path). */
    public String name() {
        return name;
    }

    /** The number of the line last returned by {@link #next}, from 1 (0 before the first). */
    public int lineNumber() {
        return lineNumber;
    }

    /** {@code name:line} of the line last returned, for error messages. */
    public String where() {
        return name + ":" + lineNumber;
    }

    /**
     * The next line without its terminator, or null at the end.
     *
     * @throws NemotronException naming the file and line for invalid UTF-8, an over-long line or a read error
     */
    public String next() {
        if (done) {
            return null;
        }
        int len = 0;
        boolean newline = false;
        try {
            while (!newline) {
                if (pos == limit) {
                    int n = in.read(chunk, 0, chunk.length);
                    if (n < 0) {
                        done = true;
                        break;
                    }
                    pos = 0;
                    limit = n;
                    continue;
                }
                int end = pos;
                while (end < limit && chunk[end] != '\n') {
                    end++;
                }
                newline = end < limit;
                int n = end - pos;
                if (len + n > buf.length) {
                    if ((long) len + n > MAX_LINE_BYTES) {
                        throw new NemotronException(name + ":" + (lineNumber + 1) + ": line is longer than "
                                + (MAX_LINE_BYTES >> 20) + " MiB; is this a text file with one record per line?");
                    }
                    buf = Arrays.copyOf(buf, (int) Math.min(MAX_LINE_BYTES, Math.max(len + n, 2L * buf.length)));
                }
                System.arraycopy(chunk, pos, buf, len, n);
                len += n;
                pos = newline ? end + 1 : end;
            }
        } catch (IOException e) {
            throw new NemotronException(name + ":" + (lineNumber + 1) + ": cannot read: " + e.getMessage(), e);
        }
        if (done && len == 0) {
            return null;
        }
        lineNumber++;
        int from = 0;
        if (lineNumber == 1 && len >= 3 && buf[0] == (byte) 0xEF && buf[1] == (byte) 0xBB && buf[2] == (byte) 0xBF) {
            from = 3;
        }
        if (len > from && buf[len - 1] == '\r') {
            len--;
        }
        return decode(from, len);
    }

    private String decode(int from, int to) {
        ByteBuffer bytes = ByteBuffer.wrap(buf, from, to - from);
        CharBuffer chars = CharBuffer.allocate(to - from);
        decoder.reset();
        CoderResult r = decoder.decode(bytes, chars, true);
        if (!r.isError()) {
            r = decoder.flush(chars);
        }
        if (r.isError()) {
            int at = bytes.position();
            throw new NemotronException(String.format("%s:%d: not valid UTF-8 (byte 0x%02X at byte %d of the line);"
                    + " save the file as UTF-8", name, lineNumber, buf[at] & 0xFF, at - from + 1));
        }
        chars.flip();
        return chars.toString();
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot close", e);
        }
    }

    private static void closeQuietly(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // already failing
            }
        }
    }
}
