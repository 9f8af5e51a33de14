package dev.nemotron.infer.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.text.tokenizer.Tokenizer;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The codec's tables are sized by the vocabulary, never by an id read from tokenizer.json. */
class TextCodecTest {
    @Test
    void hugeIdsDoNotSizeTheNewlineTable() {
        String json = """
            {"version": "1.0", "added_tokens": [{"id": 2147483647, "content": "</think>", "special": true,
             "normalized": false, "lstrip": false, "rstrip": false, "single_word": false}],
             "normalizer": null, "pre_tokenizer": null, "post_processor": null, "decoder": null,
             "model": {"type": "WordLevel", "unk_token": "u", "vocab": {"u": 0, "\\n": 2000000000, "x": 1}}}
            """;
        TextCodec codec = new TextCodec(Tokenizer.fromJson(json, "t.json"), Set.of(2147483647));
        assertThat(codec.endsLine(2_000_000_000)).isTrue();
        assertThat(codec.endsLine(0)).isFalse();
        assertThat(codec.endsLine(1)).isFalse();
        assertThat(codec.endsLine(-1)).isFalse();
        assertThat(codec.thinkEndId()).hasValue(2147483647);
        assertThat(codec.isEos(2147483647)).isTrue();
    }
}
