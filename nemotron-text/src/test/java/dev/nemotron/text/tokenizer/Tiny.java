package dev.nemotron.text.tokenizer;

/** Small hand-written tokenizer.json documents for component tests. */
final class Tiny {
    private Tiny() {
    }

    /** A tokenizer.json from its parts (JSON texts; "null" for none). */
    static String json(String normalizer, String preTokenizer, String model, String postProcessor, String decoder, String addedTokens) {
        return """
            {"version": "1.0", "added_tokens": %s, "normalizer": %s, "pre_tokenizer": %s, "model": %s,
             "post_processor": %s, "decoder": %s}
            """.formatted(addedTokens, normalizer, preTokenizer, model, postProcessor, decoder);
    }

    static Tokenizer of(String normalizer, String preTokenizer, String model, String postProcessor, String decoder, String addedTokens) {
        return Tokenizer.fromJson(json(normalizer, preTokenizer, model, postProcessor, decoder, addedTokens), "tiny.json");
    }

    /** A WordLevel model over {@code tokens} (ids in order) with unk "[UNK]" appended. */
    static String wordLevel(String... tokens) {
        StringBuilder sb = new StringBuilder("{\"type\": \"WordLevel\", \"unk_token\": \"[UNK]\", \"vocab\": {");
        for (int i = 0; i < tokens.length; i++) {
            sb.append('"').append(escape(tokens[i])).append("\": ").append(i).append(", ");
        }
        return sb.append("\"[UNK]\": ").append(tokens.length).append("}}").toString();
    }

    static String addedToken(int id, String content, boolean special, boolean normalized, boolean lstrip, boolean rstrip, boolean singleWord) {
        return """
            {"id": %d, "content": "%s", "special": %b, "normalized": %b, "lstrip": %b, "rstrip": %b, "single_word": %b}
            """.formatted(id, escape(content), special, normalized, lstrip, rstrip, singleWord);
    }

    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
