package dev.nemotron.train.data;

import dev.nemotron.api.NemotronException;
import dev.nemotron.text.tokenizer.Tokenizer;
import dev.nemotron.train.data.DatasetWriter;
import dev.nemotron.train.data.Manifest;
import dev.nemotron.train.data.TextSplit;
import dev.nemotron.train.data.WriterOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Tokenising plain-text or JSONL files into a token dataset (Arrow shards + {@code manifest.json}):
 * what {@code nemotron data tokenize} and the {@code tokenize} pipeline stage share. The one
 * module that sees both the tokenizer ({@code nemotron-infer}) and the Arrow writer
 * ({@code nemotron-train}) is the CLI, so this lives here.
 *
 * @param tokenizer   a {@code tokenizer.json}, or a model directory holding one
 * @param out         the dataset directory to create (must not hold a dataset yet)
 * @param text        plain-text files (documents split by {@code split}); empty when {@code jsonl} is used
 * @param jsonl       JSONL files, one document per line in the string field {@code field}
 * @param field       the JSONL field, or null with {@code text}
 * @param split       how plain-text files are cut into documents
 * @param shardTokens tokens per shard at most
 * @param name        the dataset name recorded in the manifest
 * @param eosToken    the end-of-sequence token to record, or null to look for a usual one
 */
public record DatasetTokenization(Path tokenizer, Path out, List<Path> text, List<Path> jsonl, String field, TextSplit split,
                                  long shardTokens, String name, String eosToken) {
    /** Tried in order when no eos token is given. */
    private static final List<String> EOS_CANDIDATES = List.of("</s>", "<|endoftext|>", "<eos>", "<|end_of_text|>");

    public DatasetTokenization {
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(name, "name");
        text = List.copyOf(text);
        jsonl = List.copyOf(jsonl);
        if (text.isEmpty() == jsonl.isEmpty()) {
            throw new IllegalArgumentException("give text files or JSONL files (one kind per dataset)");
        }
        if (!jsonl.isEmpty() && field == null) {
            throw new IllegalArgumentException("JSONL files need a field");
        }
        if (shardTokens < 1) {
            throw new IllegalArgumentException("shardTokens must be positive");
        }
    }

    /**
     * Writes the dataset and returns its manifest.
     *
     * @throws NemotronException for a missing input file, an unknown eos token, a bad JSONL line
     *     or a directory that already holds a dataset
     */
    public Manifest run() {
        for (Path f : text.isEmpty() ? jsonl : text) {
            if (!Files.isRegularFile(f)) {
                throw new NemotronException(f + ": no such file");
            }
        }
        Tokenizer tok = Tokenizer.load(tokenizer);
        WriterOptions options = new WriterOptions(name, tokenizer.toString(), tok.vocabSize(), eosId(tok), shardTokens,
                WriterOptions.DEFAULT_BATCH_TOKENS);
        try (DatasetWriter w = DatasetWriter.create(out, options, tok::encode)) {
            for (Path f : text) {
                w.addText(f, split);
            }
            for (Path f : jsonl) {
                w.addJsonl(f, field);
            }
            return w.finish();
        }
    }

    private Integer eosId(Tokenizer tok) {
        if (eosToken != null) {
            OptionalInt id = tok.tokenToId(eosToken);
            if (id.isEmpty()) {
                throw new NemotronException(tokenizer + ": the eos token '" + eosToken + "' is not in the vocabulary");
            }
            return id.getAsInt();
        }
        for (String t : EOS_CANDIDATES) {
            OptionalInt id = tok.tokenToId(t);
            if (id.isPresent()) {
                return id.getAsInt();
            }
        }
        return null;
    }
}
