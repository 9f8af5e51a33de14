package dev.nemotron.infer.engine;

import dev.nemotron.text.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What the engine needs of a tokenizer: ids to text, the token that closes the reasoning
 * ({@code </think>}), which tokens end a line (for the thinking budget), and which end a sequence.
 */
public final class TextCodec {
    private final Tokenizer tokenizer;
    private final OptionalInt thinkEnd;
    /** Ids whose text contains a newline, ascending (sized by the vocabulary, never by its largest id). */
    private final int[] endsLine;
    private final Set<Integer> eosIds;

    /** @param eosIds the model's end-of-sequence ids (config / generation_config {@code eos_token_id}) */
    public TextCodec(Tokenizer tokenizer, Set<Integer> eosIds) {
        this.tokenizer = java.util.Objects.requireNonNull(tokenizer, "tokenizer");
        this.thinkEnd = tokenizer.tokenToId("</think>");
        this.eosIds = Set.copyOf(eosIds);
        int[] one = new int[1];
        this.endsLine = java.util.Arrays.stream(tokenizer.ids()).filter(id -> {
            one[0] = id;
            return tokenizer.decode(one, false).indexOf('\n') >= 0;
        }).toArray();
    }

    private TextCodec(Set<Integer> eosIds) {
        this.tokenizer = null;
        this.thinkEnd = OptionalInt.empty();
        this.endsLine = new int[0];
        this.eosIds = Set.copyOf(eosIds);
    }

    /** For models without a tokenizer: ids only, no text, no stop strings, no thinking budget. */
    public static TextCodec idsOnly(Set<Integer> eosIds) {
        return new TextCodec(eosIds);
    }

    /** The tokenizer, or null for {@link #idsOnly}. */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public boolean hasText() {
        return tokenizer != null;
    }

    /** Text of {@code ids[from, to)}, special tokens dropped; empty without a tokenizer. */
    public String decode(int[] ids, int from, int to) {
        return tokenizer == null ? "" : tokenizer.decode(Arrays.copyOfRange(ids, from, to), true);
    }

    public OptionalInt thinkEndId() {
        return thinkEnd;
    }

    /** True when the token's text contains a newline. */
    public boolean endsLine(int id) {
        return Arrays.binarySearch(endsLine, id) >= 0;
    }

    public boolean isEos(int id) {
        return eosIds.contains(id);
    }

    public Set<Integer> eosIds() {
        return eosIds;
    }
}
