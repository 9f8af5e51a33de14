package dev.nemotron.train.data;

import dev.nemotron.api.NemotronException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * {@code manifest.json} of a token dataset directory: what the shards hold.
 *
 * @param format       {@value ShardFormat#FORMAT}
 * @param name         the dataset name (also {@code nemotron.source} in every shard)
 * @param tokenizer    the tokenizer's id (e.g. the path or name it was loaded from)
 * @param vocabSize    the tokenizer's vocabulary size (every id is below it); 0 when unknown
 * @param eosId        the tokenizer's end-of-sequence id, when known (null otherwise)
 * @param shardTokens  the shard size limit in tokens (a document longer than it gets a shard of its own)
 * @param documents    documents in all shards
 * @param tokens       tokens in all shards
 * @param shards       the shards, in write order
 * @param sources      the input files, in order, with what each contributed
 */
public record Manifest(String format, String name, String tokenizer, int vocabSize, Integer eosId, long shardTokens,
        long documents, long tokens, List<Shard> shards, List<Source> sources) {

    /** One shard file (relative to the dataset directory). */
    public record Shard(String file, long documents, long tokens, long bytes) {
    }

    /** One input file and what it contributed ({@code skipped}: blank documents left out). */
    public record Source(String path, String kind, long documents, long tokens, long skipped) {
    }

    public Manifest {
        Objects.requireNonNull(name, "name");
        shards = List.copyOf(shards == null ? List.of() : shards);
        sources = List.copyOf(sources == null ? List.of() : sources);
    }

    /** Reads {@code DIR/manifest.json}, checking the format and the counts' consistency. */
    public static Manifest read(Path dir) {
        Path file = dir.resolve(ShardFormat.MANIFEST);
        Manifest m = Json.read(file, Manifest.class);
        if (!ShardFormat.FORMAT.equals(m.format())) {
            throw new NemotronException(file + ": format is '" + NemotronException.oneLine(m.format()) + "', expected '" + ShardFormat.FORMAT + "'");
        }
        m.checkFields(file);
        long docs = 0;
        long toks = 0;
        for (Shard s : m.shards()) {
            if (!isPlainFileName(dir, s.file())) {
                throw new NemotronException(file + ": bad shard entry: file " + shown(s.file())
                        + " is not a plain file name inside the dataset directory");
            }
            if (s.documents() < 0 || s.tokens() < 0 || s.bytes() < 0) {
                throw new NemotronException(file + ": bad shard entry " + NemotronException.oneLine(String.valueOf(s)));
            }
            docs += s.documents();
            toks += s.tokens();
        }
        if (docs != m.documents() || toks != m.tokens()) {
            throw new NemotronException(file + ": the shards hold " + docs + " documents and " + toks
                    + " tokens, but the totals say " + m.documents() + " and " + m.tokens());
        }
        return m;
    }

    /** A name this file system accepts, of one path element (no separator, not "." or ".."). */
    private static boolean isPlainFileName(Path dir, String name) {
        if (name == null || name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/") || name.contains("\\")
                || name.chars().anyMatch(c -> c < 0x20 || Character.isSurrogate((char) c))) {
            return false;
        }
        try {
            Path p = dir.resolve(name);
            return p.getFileName() != null && p.getFileName().toString().equals(name);
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    /** {@code name} quoted for a one-line message, control characters and lone surrogates escaped. */
    private static String shown(String name) {
        if (name == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("'");
        name.chars().limit(200).forEach(c -> b.append(c < 0x20 || Character.isSurrogate((char) c)
                ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return b.append(name.length() > 200 ? "...'" : "'").toString();
    }

    /** The single fields' ranges: a manifest is read from disk and sizes nothing it has not checked. */
    private void checkFields(Path file) {
        if (vocabSize < 0) {
            throw new NemotronException(file + ": vocab_size must be >= 0 (0: unknown), got " + vocabSize);
        }
        if (shardTokens < 1) {
            throw new NemotronException(file + ": shard_tokens must be >= 1, got " + shardTokens);
        }
        if (eosId != null && (eosId < 0 || vocabSize > 0 && eosId >= vocabSize)) {
            throw new NemotronException(file + ": eos_id " + eosId + (eosId < 0 ? " is negative (token ids are >= 0)"
                    : " is outside the vocabulary [0, " + vocabSize + ") (vocab_size " + vocabSize + ")"));
        }
        if (documents < 0 || tokens < 0) {
            throw new NemotronException(file + ": documents and tokens must be >= 0, got " + documents + " and " + tokens);
        }
    }

    public String toJson() {
        return Json.write(this);
    }
}
