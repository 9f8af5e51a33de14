package dev.nemotron.train.data;

import dev.nemotron.api.NemotronException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Reads the documents of one token shard in order, one record batch in memory at a time (the
 * allocator sees at most one batch). Anything malformed becomes a {@link NemotronException}
 * naming the file.
 */
public final class ShardReader implements AutoCloseable {
    private final Path file;
    /** Every token id is below it; 0 when unknown (ids are then only checked to be >= 0). */
    private final int vocabSize;
    private final FileChannel channel;
    private final ArrowFileReader reader;
    private final BufferAllocator allocator;
    private final VectorSchemaRoot root;
    private final List<ArrowBlock> blocks;
    private final Map<String, String> metadata;
    private int block;
    private int row;
    private int rows;
    private long read;

    private ShardReader(Path file, int vocabSize, FileChannel channel, ArrowFileReader reader, BufferAllocator allocator)
            throws IOException {
        this.file = file;
        this.allocator = allocator;
        this.vocabSize = vocabSize;
        this.channel = channel;
        this.reader = reader;
        this.root = reader.getVectorSchemaRoot();
        this.blocks = reader.getRecordBlocks();
        this.metadata = root.getSchema().getCustomMetadata() == null ? Map.of() : Map.copyOf(root.getSchema().getCustomMetadata());
        List<Field> fields = root.getSchema().getFields();
        if (fields.size() != 1 || !ShardFormat.COLUMN.equals(fields.get(0).getName())
                || !(fields.get(0).getType() instanceof ArrowType.List)
                || fields.get(0).getChildren().size() != 1
                || !new ArrowType.Int(32, true).equals(fields.get(0).getChildren().get(0).getType())) {
            throw new NemotronException(file + ": not a token shard: expected one column 'tokens: list<int32>', found " + NemotronException.oneLine(String.valueOf(root.getSchema())));
        }
    }

    /** Opens a shard; its batches are allocated from {@code allocator}; token ids are only checked to be {@code >= 0}. */
    public static ShardReader open(Path file, BufferAllocator allocator) {
        return open(file, allocator, 0);
    }

    /**
     * Opens a shard whose token ids must lie in {@code [0, vocabSize)} ({@code vocabSize} 0: unknown,
     * ids only {@code >= 0}); its batches are allocated from {@code allocator}. A file that is not a
     * regular file (a directory, a named pipe) is refused before it is opened.
     */
    public static ShardReader open(Path file, BufferAllocator allocator, int vocabSize) {
        if (vocabSize < 0) {
            throw new IllegalArgumentException("vocabSize must be >= 0, got " + vocabSize);
        }
        if (java.nio.file.Files.exists(file) && !java.nio.file.Files.isRegularFile(file)) {
            throw new NemotronException(file + ": not a regular file (a shard must be an Arrow file)");
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NemotronException(file + ": no such file (a shard listed in the manifest is missing)");
        } catch (IOException e) {
            throw new NemotronException(file + ": cannot read: " + e.getMessage(), e);
        }
        ArrowFileReader r = new ArrowFileReader(ch, allocator);
        try {
            return new ShardReader(file, vocabSize, ch, r, allocator);
        } catch (NemotronException e) {
            closeQuietly(r, ch);
            throw e;
        } catch (Exception | OutOfMemoryError e) {
            closeQuietly(r, ch);
            throw corrupt(file, e);
        }
    }

    /** The schema metadata (nemotron.source, nemotron.tokenizer, ...). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Record batches in the file. */
    public int batches() {
        return blocks.size();
    }

    /** Documents returned or skipped so far. */
    public long position() {
        return read;
    }

    /** The next document's tokens, or null at the end of the shard. */
    public int[] next() {
        if (!ensureRow()) {
            return null;
        }
        try {
            ListVector list = (ListVector) root.getVector(0);
            IntVector data = (IntVector) list.getDataVector();
            if (list.isNull(row)) {
                throw new NemotronException(file + ": document " + read + " is null");
            }
            int start = list.getElementStartIndex(row);
            int end = list.getElementEndIndex(row);
            if (start < 0 || end < start || end > data.getValueCount()) {
                throw new NemotronException(file + ": document " + read + " has bad offsets [" + start + ", " + end + ")");
            }
            int[] doc = new int[end - start];
            ArrowBuf buf = data.getDataBuffer();
            for (int i = 0; i < doc.length; i++) {
                int id = buf.getInt((long) (start + i) * Integer.BYTES);
                if (id < 0 || vocabSize > 0 && id >= vocabSize) {
                    throw new NemotronException(file + ": document " + read + ", token " + i + ": id " + id
                            + (id < 0 ? " is negative (token ids are >= 0)" : " is outside the vocabulary [0, " + vocabSize
                            + ") of the manifest") + "; the shard is corrupt or belongs to another tokenizer");
                }
                doc[i] = id;
            }
            row++;
            read++;
            return doc;
        } catch (NemotronException e) {
            throw e;
        } catch (RuntimeException e) {
            throw corrupt(file, e);
        }
    }

    /** Skips up to {@code n} documents; returns how many were skipped. */
    public long skip(long n) {
        long done = 0;
        while (done < n && ensureRow()) {
            int k = (int) Math.min(n - done, rows - row);
            row += k;
            read += k;
            done += k;
        }
        return done;
    }

    private boolean ensureRow() {
        while (row >= rows) {
            if (block >= blocks.size()) {
                return false;
            }
            try {
                checkInsideFile(blocks.get(block), block);
                RecordBatchLoader.load(file, channel, blocks.get(block++), allocator, root);
            } catch (NemotronException e) {
                throw e;
            } catch (Exception | OutOfMemoryError e) {
                if (e instanceof org.apache.arrow.memory.OutOfMemoryException oom) {
                    throw new NemotronException(file + ": record batch " + (block - 1)
                            + " does not fit in the loader's memory limit: " + oom.getMessage(), oom);
                }
                throw corrupt(file, e);
            }
            rows = root.getRowCount();
            row = 0;
        }
        return true;
    }

    /** A block's offset and lengths come from the file's footer: a batch must lie inside the file before anything is allocated for it. */
    private void checkInsideFile(ArrowBlock b, int index) throws IOException {
        long size = channel.size();
        if (b.getOffset() < 0 || b.getMetadataLength() < 0 || b.getBodyLength() < 0
                || b.getOffset() + b.getMetadataLength() + b.getBodyLength() > size) {
            throw new NemotronException(file + ": not a valid Arrow token shard (record batch " + index + " at offset "
                    + b.getOffset() + " with " + b.getMetadataLength() + " + " + b.getBodyLength()
                    + " bytes lies outside the file of " + size + " bytes)");
        }
    }

    private static NemotronException corrupt(Path file, Throwable e) {
        // Arrow trusts the file's flatbuffer metadata: damage surfaces as a Java bug's exception, whose text helps no one
        boolean internal = e instanceof NullPointerException || e instanceof IndexOutOfBoundsException
                || e instanceof ClassCastException || e instanceof ArithmeticException || e instanceof NegativeArraySizeException
                || e instanceof IllegalStateException || e instanceof UnsupportedOperationException || e instanceof Error;
        String msg = internal || e.getMessage() == null ? "its metadata is damaged"
                : e.getMessage().lines().findFirst().orElse("");
        return new NemotronException(file + ": not a valid Arrow token shard (" + msg + ")", e);
    }

    private static void closeQuietly(ArrowFileReader r, FileChannel ch) {
        try {
            r.close();
        } catch (Exception ignored) {
            // already failing
        }
        try {
            ch.close();
        } catch (IOException ignored) {
            // already failing
        }
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException e) {
            throw new NemotronException(file + ": cannot close: " + e.getMessage(), e);
        } finally {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing left to do
            }
        }
    }
}
