package dev.nemotron.text.tokenizer;

import dev.nemotron.text.tokenizer.decoder.Decoder;
import dev.nemotron.text.tokenizer.model.Model;
import dev.nemotron.text.tokenizer.normalizer.Normalizer;
import dev.nemotron.text.tokenizer.pretokenizer.PreTokenizer;
import dev.nemotron.text.tokenizer.processor.PostProcessor;
import dev.nemotron.text.tokenizer.text.IntList;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A Hugging Face {@code tokenizer.json} tokenizer, giving the ids HF tokenizers gives.
 *
 * <p>Encoding runs HF's pipeline: added tokens are found in the raw text first (special or not,
 * longest match first); the text between them is normalized, pre-tokenized into pieces, and each
 * piece is encoded by the model (BPE); with {@code addSpecialTokens} the post-processor then adds
 * BOS/EOS-style tokens. Decoding maps ids to tokens and runs the decoder.
 *
 * <pre>{@code
 * Tokenizer tok = Tokenizer.load(Path.of("my-model"));        // a directory or the file
 * int[] ids = tok.encode("Hello, world!");
 * String text = tok.decode(ids, false);                        // "Hello, world!"
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe (the word cache is concurrent). Input text is
 * handled as Unicode code points; a lone surrogate, which UTF-8 cannot represent, is encoded as
 * U+FFFD by byte-level models.
 */
public final class Tokenizer {
    private final String source;
    private final Normalizer normalizer;
    private final PreTokenizer preTokenizer;
    private final Model model;
    private final PostProcessor postProcessor;
    private final Decoder decoder;
    private final AddedVocabulary added;
    private final int vocabSize;

    Tokenizer(String source, Normalizer normalizer, PreTokenizer preTokenizer, Model model, PostProcessor postProcessor,
              Decoder decoder, AddedVocabulary added) {
        this.source = source;
        this.normalizer = normalizer;
        this.preTokenizer = preTokenizer;
        this.model = model;
        this.postProcessor = postProcessor;
        this.decoder = decoder;
        this.added = added;
        Set<String> all = new HashSet<>(model.vocab().keySet());
        added.tokens().forEach(t -> all.add(t.content()));
        this.vocabSize = all.size();
    }

    /**
     * Reads a {@code tokenizer.json}, or the {@code tokenizer.json} inside a directory.
     *
     * @throws TokenizerException when the file is missing, not JSON, or uses an unsupported or
     *                            malformed component (the message names the file and JSON path)
     */
    public static Tokenizer load(Path tokenizerJson) {
        return TokenizerLoader.load(tokenizerJson);
    }

    /** Builds a tokenizer from the text of a {@code tokenizer.json}; {@code source} names it in errors. */
    public static Tokenizer fromJson(String json, String source) {
        return TokenizerLoader.parse(json, source);
    }

    /** The ids of {@code text} without special-token post-processing (HF {@code add_special_tokens=False}). */
    public int[] encode(String text) {
        return encode(text, false);
    }

    /**
     * The ids of {@code text}; added and special tokens written in the text are matched either way.
     *
     * @param addSpecialTokens whether to apply the post-processor (e.g. TemplateProcessing adding BOS)
     */
    public int[] encode(String text, boolean addSpecialTokens) {
        IntList out = new IntList(Math.max(16, text.length() / 3));
        added.splitRaw(text, new AddedVocabulary.Sink() {
            @Override
            public void token(int id) {
                out.add(id);
            }

            @Override
            public void text(String segment, boolean atStart) {
                String normalized = normalizer == null ? segment : normalizer.normalize(segment);
                added.splitNormalized(normalized, atStart, new AddedVocabulary.Sink() {
                    @Override
                    public void token(int id) {
                        out.add(id);
                    }

                    @Override
                    public void text(String piece, boolean pieceAtStart) {
                        encodeText(piece, pieceAtStart, out);
                    }
                });
            }
        });
        int[] ids = out.toArray();
        return addSpecialTokens && postProcessor != null ? postProcessor.process(ids) : ids;
    }

    private void encodeText(String normalized, boolean atStart, IntList out) {
        if (preTokenizer == null) {
            model.encode(normalized, out);
            return;
        }
        for (String piece : preTokenizer.preTokenize(List.of(normalized), atStart)) {
            model.encode(piece, out);
        }
    }

    /** The tokens of {@code text} as strings (the model's spelling, e.g. {@code Ġworld}), without post-processing. */
    public List<String> tokenize(String text) {
        int[] ids = encode(text, false);
        List<String> tokens = new ArrayList<>(ids.length);
        for (int id : ids) {
            tokens.add(idToToken(id));
        }
        return tokens;
    }

    /**
     * The text of {@code ids}. Ids that are not in the vocabulary are skipped, as HF does; invalid
     * UTF-8 produced by byte tokens becomes U+FFFD.
     *
     * @param skipSpecialTokens whether to leave out special added tokens
     */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        List<String> tokens = new ArrayList<>(ids.length);
        for (int id : ids) {
            AddedToken a = added.byId(id);
            String t = a != null ? a.content() : model.idToToken(id);
            if (t == null || (skipSpecialTokens && added.isSpecial(t))) {
                continue;
            }
            tokens.add(t);
        }
        if (decoder == null) {
            return String.join(" ", tokens);
        }
        return String.join("", decoder.decodeChain(tokens));
    }

    /**
     * The token with id {@code id} (an added token or a model token).
     *
     * @throws TokenizerException when no token has this id
     */
    public String idToToken(int id) {
        AddedToken a = added.byId(id);
        String t = a != null ? a.content() : model.idToToken(id);
        if (t == null) {
            throw new TokenizerException(source + ": no token has id " + id + " (vocabulary size " + vocabSize + ")");
        }
        return t;
    }

    /** The id of {@code token} (an added token or a model token). */
    public OptionalInt tokenToId(String token) {
        AddedToken a = added.byContent(token);
        if (a != null) {
            return OptionalInt.of(a.id());
        }
        int id = model.tokenToId(token);
        return id >= 0 ? OptionalInt.of(id) : OptionalInt.empty();
    }

    /** The number of distinct tokens, added tokens included (HF {@code get_vocab_size(True)}). */
    public int vocabSize() {
        return vocabSize;
    }

    /** Every id that has a token (model and added tokens), ascending and distinct. */
    public int[] ids() {
        return java.util.stream.IntStream.concat(model.vocab().values().stream().mapToInt(Integer::intValue),
                added.tokens().stream().mapToInt(AddedToken::id)).sorted().distinct().toArray();
    }

    /** The ids of the special added tokens. */
    public Set<Integer> specialIds() {
        return added.specialIds();
    }

    /** Where this tokenizer was read from. */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "Tokenizer[" + source + ", " + model + ", " + vocabSize + " tokens]";
    }
}
