package dev.nemotron.text.tokenizer.model;

import dev.nemotron.text.tokenizer.TokenizerException;
import dev.nemotron.text.tokenizer.json.JsonAt;
import dev.nemotron.text.tokenizer.text.IntList;
import java.util.Map;

/** {@code WordLevel}: each piece is one token of the vocabulary, or {@code unk_token}. */
public final class WordLevel implements Model {
    private final Map<String, Integer> vocab;
    private final TokensById byId;
    private final int unkId;
    private final String unkToken;

    private WordLevel(Map<String, Integer> vocab, String unkToken, int unkId) {
        this.vocab = vocab;
        this.byId = Models.byId(vocab);
        this.unkToken = unkToken;
        this.unkId = unkId;
    }

    static WordLevel fromJson(JsonAt at) {
        Map<String, Integer> vocab = Models.vocab(at);
        String unk = at.optText("unk_token").orElse(null);
        int unkId = -1;
        if (unk != null) {
            Integer id = vocab.get(unk);
            if (id == null) {
                throw at.get("unk_token").error("'" + unk + "' is not in the vocabulary");
            }
            unkId = id;
        }
        return new WordLevel(vocab, unk, unkId);
    }

    @Override
    public void encode(String piece, IntList out) {
        Integer id = vocab.get(piece);
        if (id != null) {
            out.add(id);
        } else if (unkId >= 0) {
            out.add(unkId);
        } else {
            throw new TokenizerException("WordLevel model: '" + piece + "' is not in the vocabulary and there is no unk_token");
        }
    }

    @Override
    public String idToToken(int id) {
        return byId.get(id);
    }

    @Override
    public int tokenToId(String token) {
        return vocab.getOrDefault(token, -1);
    }

    @Override
    public Map<String, Integer> vocab() {
        return java.util.Collections.unmodifiableMap(vocab);
    }

    @Override
    public String toString() {
        return "WordLevel[" + vocab.size() + " tokens, unk=" + unkToken + "]";
    }
}
