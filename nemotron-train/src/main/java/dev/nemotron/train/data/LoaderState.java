package dev.nemotron.train.data;

import dev.nemotron.api.NemotronException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a {@link DataLoader} stands: enough to continue exactly where it stopped. Saved as JSON
 * next to a checkpoint ({@link #write(Path)}, atomic) and given back to
 * {@link DataLoader#open(Curriculum, LoaderConfig, LoaderState)}.
 *
 * @param version       {@value #VERSION}
 * @param seed          the loader's seed (must match on resume)
 * @param seqLen        the sequence length (must match on resume)
 * @param shuffleWindow the shuffle window (must match on resume)
 * @param sequences     sequences emitted so far (the index of the next one)
 * @param streams       per dataset name: the position of its token stream
 */
public record LoaderState(int version, long seed, int seqLen, int shuffleWindow, long sequences, Map<String, Stream> streams) {
    public static final int VERSION = 1;

    /**
     * The next unread token of one dataset's stream.
     *
     * @param epoch    passes over the dataset completed
     * @param shard    position in this epoch's shard order
     * @param document position within the shard's (shuffled) document order
     * @param offset   token offset within that document (== its length: the EOS after it)
     * @param carry    the last token of the previous sequence, which starts the next (null before the first)
     */
    public record Stream(long epoch, int shard, long document, int offset, Integer carry) {
        public static final Stream START = new Stream(0, 0, 0, 0, null);
    }

    public LoaderState {
        streams = streams == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(streams));
    }

    public String toJson() {
        return Json.write(this);
    }

    public static LoaderState fromJson(String json) {
        LoaderState s = Json.read(json, LoaderState.class, "loader state");
        if (s.version() != VERSION) {
            throw new NemotronException("loader state: version " + s.version() + " is not supported (expected " + VERSION + ")");
        }
        return s;
    }

    /** Writes the JSON to {@code file} atomically (temp file + rename). */
    public void write(Path file) {
        Json.writeAtomically(file, toJson());
    }

    public static LoaderState read(Path file) {
        LoaderState s = Json.read(file, LoaderState.class);
        if (s.version() != VERSION) {
            throw new NemotronException(file + ": loader state version " + s.version() + " is not supported (expected " + VERSION + ")");
        }
        return s;
    }
}
