package dev.nemotron.arch.safetensors;

import dev.nemotron.api.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One safetensors file, memory-mapped read-only and validated when opened.
 *
 * <p>The layout is an 8-byte little-endian unsigned header length {@code N}, {@code N} bytes of
 * UTF-8 JSON describing each tensor ({@code dtype}, {@code shape}, {@code data_offsets}) plus an
 * optional {@code __metadata__} object of strings, then the data section. The whole file is
 * mapped through a shared {@link Arena}, so files larger than 2 GiB work and the mapping may be
 * read from any thread. {@link #tensor(String)} returns tensors whose segments are slices of the
 * mapping: weights are used in place, never copied, and become inaccessible once the file is
 * {@linkplain #close() closed}.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** The largest header accepted, as in the reference implementation: 100 MiB. */
    public static final long MAX_HEADER_BYTES = 100L << 20;

    private final Path path;
    private final Arena arena;
    private final MemorySegment data;
    private final HeaderParser.Header header;
    private final AtomicBoolean closed = new AtomicBoolean();

    private SafetensorsFile(Path path, Arena arena, MemorySegment data, HeaderParser.Header header) {
        this.path = path;
        this.arena = arena;
        this.data = data;
        this.header = header;
    }

    /**
     * Maps and validates {@code file}.
     *
     * @throws SafetensorsException if the file cannot be read or is not a valid safetensors file;
     *     the message names the file and the problem
     */
    public static SafetensorsFile open(Path file) {
        Arena arena = Arena.ofShared();
        boolean ok = false;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw SafetensorsException.of(file, "file is " + size
                        + " bytes, too short for the 8-byte header length");
            }
            MemorySegment map = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long n = map.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 0);
            checkHeaderLength(file, n, size);
            String json = decodeUtf8(file, map.asSlice(8, n));
            long dataStart = 8 + n;
            HeaderParser.Header header = HeaderParser.parse(file, json, size - dataStart);
            SafetensorsFile f = new SafetensorsFile(file, arena, map.asSlice(dataStart), header);
            ok = true;
            return f;
        } catch (NoSuchFileException e) {
            throw SafetensorsException.of(file, "file does not exist", e);
        } catch (IOException e) {
            throw SafetensorsException.of(file, "cannot read: " + describe(e), e);
        } finally {
            if (!ok) {
                arena.close();
            }
        }
    }

    /** An I/O error as "ExceptionType: message", without the stack trace. */
    static String describe(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private static void checkHeaderLength(Path file, long n, long size) {
        if (n == 0) {
            throw SafetensorsException.of(file, "header length is 0");
        }
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw SafetensorsException.of(file, "header length " + Long.toUnsignedString(n)
                    + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes (100 MiB)");
        }
        if (n > size - 8) {
            throw SafetensorsException.of(file, "header length " + n + " extends past the end of the file ("
                    + size + " bytes)");
        }
    }

    private static String decodeUtf8(Path file, MemorySegment bytes) {
        try {
            ByteBuffer buf = ByteBuffer.wrap(bytes.toArray(ValueLayout.JAVA_BYTE));
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(buf).toString();
        } catch (CharacterCodingException e) {
            throw SafetensorsException.of(file, "header is not valid UTF-8", e);
        }
    }

    /** The path this file was opened from. */
    public Path path() {
        return path;
    }

    /** The tensor names, in the order the header lists them (unmodifiable). */
    public Set<String> names() {
        return header.tensors().keySet();
    }

    /** Whether the file holds a tensor named {@code name}. */
    public boolean contains(String name) {
        return header.tensors().containsKey(name);
    }

    /**
     * The header entry of tensor {@code name}.
     *
     * @throws SafetensorsException if there is no such tensor
     */
    public TensorInfo info(String name) {
        TensorInfo info = header.tensors().get(name);
        if (info == null) {
            throw SafetensorsException.of(path, "no tensor named '" + name + "'");
        }
        return info;
    }

    /** The header entries of all tensors, by name, in header order (unmodifiable). */
    public Map<String, TensorInfo> infos() {
        return header.tensors();
    }

    /**
     * Tensor {@code name}, backed by a slice of the mapping (no copy). It stays valid until this
     * file is closed.
     *
     * @throws SafetensorsException if there is no such tensor
     * @throws IllegalStateException if this file is closed
     */
    public Tensor tensor(String name) {
        TensorInfo info = info(name);
        if (!arena.scope().isAlive()) {
            throw new IllegalStateException(SafetensorsException.label(path) + " is closed");
        }
        return new Tensor(info.dtype(), info.shape(), data.asSlice(info.begin(), info.byteSize()));
    }

    /** Tensor {@code name} as by {@link #tensor(String)}, or empty if there is none. */
    public Optional<Tensor> find(String name) {
        return contains(name) ? Optional.of(tensor(name)) : Optional.empty();
    }

    /** The header's {@code __metadata__} entries (empty if it has none), unmodifiable. */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    /** The size of the data section in bytes. */
    public long dataSize() {
        return data.byteSize();
    }

    /**
     * Unmaps the file. Tensors obtained from it must not be used afterwards (accessing their
     * segments throws {@link IllegalStateException}). Closing twice has no further effect.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + path + ", " + names().size() + " tensors]";
    }
}
