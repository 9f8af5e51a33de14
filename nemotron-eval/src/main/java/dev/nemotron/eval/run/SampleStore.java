package dev.nemotron.eval.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.json.JsonMappers;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A task's samples file ({@code OUT/samples_TASK.jsonl}): one JSON object per finished sample,
 * appended and handed to the operating system as soon as the sample is scored, so a crash loses
 * no finished sample. Opening it reads what an earlier run left; a last line cut short by a crash
 * is dropped. Records of other configs (another digest) stay in the file and are ignored.
 */
public final class SampleStore implements AutoCloseable {
    private static final ObjectMapper JSON = JsonMappers.json();

    private final Path file;
    private final FileChannel channel;
    private final Map<SampleKey, ObjectNode> records = new LinkedHashMap<>();

    private SampleStore(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** Opens (or creates) {@code file} and reads the samples already in it. */
    public static SampleStore open(Path file) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            SampleStore store = new SampleStore(file, ch);
            try {
                store.load();
            } catch (RuntimeException e) {
                ch.close();
                throw e;
            }
            return store;
        } catch (IOException e) {
            throw new NemotronException(file + ": cannot open the samples file: " + e.getMessage(), e);
        }
    }

    private void load() throws IOException {
        long size = channel.size();
        if (size == 0) {
            return;
        }
        byte[] bytes = Files.readAllBytes(file);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') {
            end--;
        }
        if (end < bytes.length) {
            channel.truncate(end);
        }
        channel.position(end);
        List<String> lines = new String(bytes, 0, end, StandardCharsets.UTF_8).lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (IOException e) {
                throw new NemotronException(file + ":" + (i + 1) + ": not a sample record (invalid JSON); delete the line or the file");
            }
            if (!(n instanceof ObjectNode o) || !o.path("task").isTextual() || !o.path("doc").isInt()
                    || !o.path("repeat").isInt() || !o.path("digest").isTextual()) {
                throw new NemotronException(file + ":" + (i + 1) + ": not a sample record (needs task, doc, repeat, digest)");
            }
            records.putIfAbsent(keyOf(o), o);
        }
    }

    /** The key a record carries. */
    static SampleKey keyOf(JsonNode record) {
        return new SampleKey(record.get("task").textValue(), record.get("doc").intValue(), record.get("repeat").intValue(),
                record.get("digest").textValue());
    }

    public Path file() {
        return file;
    }

    /** True when the sample is already in the file. */
    public synchronized boolean contains(SampleKey key) {
        return records.containsKey(key);
    }

    /** The stored record of {@code key}, or null. */
    public synchronized ObjectNode get(SampleKey key) {
        return records.get(key);
    }

    /**
     * Appends one finished sample (its key fields must be set) and writes it through to the file.
     *
     * @throws NemotronException when the file cannot be written
     */
    public synchronized void append(ObjectNode record) {
        SampleKey key = keyOf(record);
        byte[] line;
        try {
            line = (JSON.writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        try {
            ByteBuffer buf = ByteBuffer.wrap(line);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        } catch (IOException e) {
            throw new NemotronException(file + ": cannot append a sample: " + e.getMessage(), e);
        }
        records.putIfAbsent(key, record);
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing buffered: every record was written when appended
        }
    }
}
