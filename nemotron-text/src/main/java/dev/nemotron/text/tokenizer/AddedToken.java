package dev.nemotron.text.tokenizer;

import dev.nemotron.text.tokenizer.json.JsonAt;

/**
 * An entry of {@code added_tokens}: matched in the raw text before the model sees it.
 *
 * @param id         its id
 * @param content    its text
 * @param special    whether it is a special token (skipped by {@code decode(ids, true)})
 * @param normalized whether it is matched in the normalized text rather than the raw text
 * @param lstrip     whether it swallows the whitespace on its left
 * @param rstrip     whether it swallows the whitespace on its right
 * @param singleWord whether it only matches when not inside a word
 */
record AddedToken(int id, String content, boolean special, boolean normalized, boolean lstrip, boolean rstrip,
                  boolean singleWord) {

    static AddedToken fromJson(JsonAt at) {
        boolean special = at.bool("special", false);
        String content = at.text("content");
        if (content.isEmpty()) {
            throw at.get("content").error("an added token cannot be empty");
        }
        return new AddedToken(at.require("id").integer(), content, special, at.bool("normalized", !special),
                at.bool("lstrip", false), at.bool("rstrip", false), at.bool("single_word", false));
    }
}
