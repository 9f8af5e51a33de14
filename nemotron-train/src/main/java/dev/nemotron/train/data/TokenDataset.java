package dev.nemotron.train.data;

import dev.nemotron.api.NemotronException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;

/** A token dataset directory: {@code manifest.json} plus its shards. Opening reads the manifest only. */
public final class TokenDataset {
    private final Path dir;
    private final Manifest manifest;

    private TokenDataset(Path dir, Manifest manifest) {
        this.dir = dir;
        this.manifest = manifest;
    }

    public static TokenDataset open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new NemotronException(dir + ": no such dataset directory");
        }
        return new TokenDataset(dir.toAbsolutePath().normalize(), Manifest.read(dir));
    }

    public Path dir() {
        return dir;
    }

    public Manifest manifest() {
        return manifest;
    }

    public String name() {
        return manifest.name();
    }

    public int shardCount() {
        return manifest.shards().size();
    }

    public Path shardPath(int index) {
        return dir.resolve(manifest.shards().get(index).file());
    }

    /** Opens shard {@code index} for streaming; its token ids are checked against the manifest's vocabulary size. */
    public ShardReader openShard(int index, BufferAllocator allocator) {
        return ShardReader.open(shardPath(index), allocator, manifest.vocabSize());
    }

    /** {@link #forEachDocument(BufferAllocator, Consumer)} with an allocator of its own. */
    public void forEachDocument(Consumer<int[]> consumer) {
        try (org.apache.arrow.memory.RootAllocator allocator = new org.apache.arrow.memory.RootAllocator()) {
            forEachDocument(allocator, consumer);
        }
    }

    /**
     * Streams every document in manifest order to {@code consumer}, one record batch in memory at
     * a time, and checks each shard's document and token counts against the manifest.
     */
    public void forEachDocument(BufferAllocator allocator, Consumer<int[]> consumer) {
        for (int s = 0; s < shardCount(); s++) {
            Manifest.Shard entry = manifest.shards().get(s);
            long docs = 0;
            long tokens = 0;
            try (ShardReader r = openShard(s, allocator)) {
                int[] doc;
                while ((doc = r.next()) != null) {
                    docs++;
                    tokens += doc.length;
                    consumer.accept(doc);
                }
            }
            if (docs != entry.documents() || tokens != entry.tokens()) {
                throw new NemotronException(shardPath(s) + ": holds " + docs + " documents and " + tokens
                        + " tokens, but the manifest says " + entry.documents() + " and " + entry.tokens());
            }
        }
    }

    @Override
    public String toString() {
        return "TokenDataset[" + manifest.name() + " at " + dir + "]";
    }
}
