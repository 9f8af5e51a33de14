package dev.nemotron.train.data;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.io.Utf8Lines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Tokenises plain text and JSONL into a directory of Arrow IPC token shards plus a
 * {@code manifest.json} (see {@link ShardFormat}). Memory stays bounded: documents are buffered
 * up to one record batch ({@link WriterOptions#batchTokens()}) before they go to the shard.
 *
 * <p>Every file is written atomically (a hidden temp file, then a rename); the manifest comes
 * last, so a directory with a manifest is always complete. Usage:
 * <pre>{@code
 * try (DatasetWriter w = DatasetWriter.create(dir, WriterOptions.of("web", "tok.json", 32000), tok::encode)) {
 *     w.addText(Path.of("a.txt"), TextSplit.blankLines());
 *     w.addJsonl(Path.of("b.jsonl"), "text");
 *     Manifest m = w.finish();
 * }
 * }</pre>
 */
public final class DatasetWriter implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(DatasetWriter.class);

    private final Path dir;
    private final WriterOptions options;
    private final TextEncoder encoder;
    private final BufferAllocator allocator;
    private final List<Manifest.Shard> shards = new ArrayList<>();
    private final List<Manifest.Source> sources = new ArrayList<>();
    private final List<int[]> pending = new ArrayList<>();
    private long pendingTokens;

    private VectorSchemaRoot root;
    private ArrowFileWriter writer;
    private FileChannel channel;
    private Path shardTmp;
    private long shardDocs;
    private long shardTokens;
    private long totalDocs;
    private long totalTokens;
    private boolean finished;

    private DatasetWriter(Path dir, WriterOptions options, TextEncoder encoder) {
        this.dir = dir;
        this.options = options;
        this.encoder = encoder;
        this.allocator = new RootAllocator();
    }

    /** A writer into {@code dir} (created when missing); refuses a directory that already holds a dataset. */
    public static DatasetWriter create(Path dir, WriterOptions options, TextEncoder encoder) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(encoder, "encoder");
        if (Files.exists(dir.resolve(ShardFormat.MANIFEST))) {
            throw new NemotronException(dir + ": already holds a dataset (manifest.json); choose another output directory");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new NemotronException(dir + ": cannot create the output directory: " + e.getMessage(), e);
        }
        return new DatasetWriter(dir, options, encoder);
    }

    /** Adds the documents of a plain-text file (UTF-8), cut as {@code split} says. */
    public DatasetWriter addText(Path file, TextSplit split) {
        SourceCounter c = new SourceCounter(file.toString(), "text");
        if (split.mode() == TextSplit.Mode.WHOLE_FILE) {
            if (Files.exists(file) && !Files.isRegularFile(file)) {
                throw new NemotronException(file + ": not a regular file");
            }
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new NemotronException(file + ": no such file");
            } catch (CharacterCodingException e) {
                throw new NemotronException(file + ": not valid UTF-8 text");
            } catch (IOException e) {
                throw new NemotronException(file + ": cannot read: " + e.getMessage(), e);
            }
            c.add(text, file + ":1", true);
        } else {
            try (Utf8Lines in = Utf8Lines.open(file)) {
                StringBuilder doc = new StringBuilder();
                int lineNo = 0;
                int docLine = 1;
                String line;
                while ((line = in.next()) != null) {
                    lineNo++;
                    boolean boundary = split.mode() == TextSplit.Mode.BLANK_LINES
                            ? line.isBlank() : line.stripTrailing().equals(split.separator());
                    if (boundary) {
                        c.add(doc.toString(), file + ":" + docLine, false);
                        doc.setLength(0);
                        docLine = lineNo + 1;
                    } else {
                        if (!doc.isEmpty()) {
                            doc.append('\n');
                        }
                        doc.append(line);
                    }
                }
                c.add(doc.toString(), file + ":" + docLine, false);
            }
        }
        sources.add(c.done());
        return this;
    }

    /** Adds one document per non-blank line of a JSONL file: the string field {@code field} of each object. */
    public DatasetWriter addJsonl(Path file, String field) {
        SourceCounter c = new SourceCounter(file.toString(), "jsonl:" + field);
        try (Utf8Lines in = Utf8Lines.open(file)) {
            String line;
            while ((line = in.next()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                c.add(JsonlRecord.textField(line, field, in.where()), in.where(), true);
            }
        }
        sources.add(c.done());
        return this;
    }

    /** Adds one already-tokenised document (empty ones are skipped), attributed to {@code source}. */
    public DatasetWriter addDocument(String source, int[] tokens) {
        SourceCounter c = new SourceCounter(source, "tokens");
        c.addTokens(tokens, source);
        sources.add(c.done());
        return this;
    }

    /**
     * A sink for many already-tokenised documents recorded as one source (one manifest entry);
     * closing the sink records it. Empty documents are skipped.
     */
    public DocumentSink documents(String source) {
        SourceCounter c = new SourceCounter(source, "tokens");
        return new DocumentSink() {
            @Override
            public void add(int[] tokens) {
                c.addTokens(tokens, source);
            }

            @Override
            public void close() {
                sources.add(c.done());
            }
        };
    }

    /** Documents of one source, see {@link #documents(String)}. */
    public interface DocumentSink extends AutoCloseable {
        void add(int[] tokens);

        @Override
        void close();
    }

    /** Flushes the last shard and writes the manifest; returns it. */
    public Manifest finish() {
        if (finished) {
            throw new IllegalStateException("finish() was already called");
        }
        try {
            closeShard();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a shard in " + dir, e);
        }
        finished = true;
        Manifest m = new Manifest(ShardFormat.FORMAT, options.name(), options.tokenizer(), options.vocabSize(),
                options.eosId(), options.shardTokens(), totalDocs, totalTokens, shards, sources);
        Json.writeAtomically(dir.resolve(ShardFormat.MANIFEST), m.toJson());
        LOG.info("wrote dataset {} in {}: {} documents, {} tokens, {} shards", options.name(), dir, totalDocs, totalTokens, shards.size());
        return m;
    }

    /** Releases everything; an unfinished dataset leaves only its finished shards (no manifest). */
    @Override
    public void close() {
        try {
            if (writer != null) {
                writer.close();
                root.close();
                channel.close();
                Files.deleteIfExists(shardTmp);
                writer = null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            allocator.close();
        }
    }

    // ---- documents -> batches -> shards ----

    private final class SourceCounter {
        final String path;
        final String kind;
        long docs;
        long tokens;
        long skipped;

        SourceCounter(String path, String kind) {
            this.path = path;
            this.kind = kind;
        }

        /** {@code record}: the text is a record of its own (a JSONL line), so a blank one counts as skipped. */
        void add(String text, String where, boolean record) {
            if (text.isBlank()) {
                if (record || !text.isEmpty()) {
                    skipped++;
                }
                return;
            }
            int[] ids;
            try {
                ids = encoder.encode(text);
            } catch (NemotronException e) {
                throw new NemotronException(where + ": " + e.getMessage(), e);
            }
            if (ids == null) {
                throw new NemotronException(where + ": the encoder returned no tokens");
            }
            addTokens(ids, where);
        }

        void addTokens(int[] ids, String where) {
            if (ids.length == 0) {
                skipped++;
                return;
            }
            int vocab = options.vocabSize();
            for (int id : ids) {
                if (id < 0 || (vocab > 0 && id >= vocab)) {
                    throw new NemotronException(where + ": token id " + id + " is outside the vocabulary [0, " + vocab + ")");
                }
            }
            try {
                append(ids);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write a shard in " + dir, e);
            }
            docs++;
            tokens += ids.length;
        }

        Manifest.Source done() {
            return new Manifest.Source(path, kind, docs, tokens, skipped);
        }
    }

    private void append(int[] ids) throws IOException {
        if (finished) {
            throw new IllegalStateException("the writer is finished");
        }
        if (shardDocs + pending.size() > 0 && shardTokens + pendingTokens + ids.length > options.shardTokens()) {
            closeShard();
        }
        if (!pending.isEmpty() && pendingTokens + ids.length > options.batchTokens()) {
            flushBatch();
        }
        pending.add(ids);
        pendingTokens += ids.length;
        totalDocs++;
        totalTokens += ids.length;
    }

    private void flushBatch() throws IOException {
        if (pending.isEmpty()) {
            return;
        }
        if (writer == null) {
            openShard();
        }
        root.allocateNew();
        ListVector list = (ListVector) root.getVector(0);
        IntVector data = (IntVector) list.getDataVector();
        data.allocateNew((int) pendingTokens);
        int row = 0;
        for (int[] doc : pending) {
            int start = list.startNewValue(row);
            for (int j = 0; j < doc.length; j++) {
                data.set(start + j, doc[j]);
            }
            list.endValue(row, doc.length);
            row++;
        }
        data.setValueCount((int) pendingTokens);
        list.setValueCount(row);
        root.setRowCount(row);
        writer.writeBatch();
        shardDocs += pending.size();
        shardTokens += pendingTokens;
        pending.clear();
        pendingTokens = 0;
    }

    private void openShard() throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(ShardFormat.META_FORMAT, ShardFormat.FORMAT);
        meta.put(ShardFormat.META_SOURCE, options.name());
        meta.put(ShardFormat.META_TOKENIZER, options.tokenizer());
        meta.put(ShardFormat.META_VOCAB_SIZE, Integer.toString(options.vocabSize()));
        if (options.eosId() != null) {
            meta.put(ShardFormat.META_EOS_ID, Integer.toString(options.eosId()));
        }
        shardTmp = dir.resolve("." + ShardFormat.shardName(shards.size()) + ".tmp");
        channel = FileChannel.open(shardTmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        root = VectorSchemaRoot.create(ShardFormat.schema(meta), allocator);
        writer = new ArrowFileWriter(root, null, channel);
        writer.start();
    }

    private void closeShard() throws IOException {
        flushBatch();
        if (writer == null) {
            return;
        }
        writer.end();
        channel.force(true);
        long bytes = channel.size();
        writer.close(); // closes the channel too
        root.close();
        channel.close();
        writer = null;
        String name = ShardFormat.shardName(shards.size());
        Json.moveAtomically(shardTmp, dir.resolve(name));
        shards.add(new Manifest.Shard(name, shardDocs, shardTokens, bytes));
        LOG.debug("shard {}: {} documents, {} tokens", name, shardDocs, shardTokens);
        shardDocs = 0;
        shardTokens = 0;
    }
}
