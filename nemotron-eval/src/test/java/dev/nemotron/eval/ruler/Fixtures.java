package dev.nemotron.eval.ruler;

import dev.nemotron.text.tokenizer.Tokenizer;
import java.nio.file.Path;

/** Shared test fixtures: the repository's tokenizers (loaded once) and the haystack excerpt. */
final class Fixtures {
    static final Path BPE_DIR = Path.of("../examples/tokenizers/nemotron-bpe-2k").toAbsolutePath().normalize();
    static final Path QWEN_DIR = dev.nemotron.testing.Fixtures.dir("qwen3-tokenizer").toAbsolutePath().normalize();
    static final Path EXCERPT = Path.of("src/test/resources/dev/nemotron/eval/ruler/moby-dick-excerpt.txt").toAbsolutePath();

    private Fixtures() {
    }

    /** The 2k-vocabulary byte-level BPE of the examples. */
    static Tokenizer bpe() {
        return Bpe.TOKENIZER;
    }

    static TokenizerTokenCounter bpeCounter() {
        return Bpe.COUNTER;
    }

    /** The real Qwen3 tokenizer (151k vocabulary; about a second to load). */
    static Tokenizer qwen() {
        return Qwen.TOKENIZER;
    }

    private static final class Bpe {
        static final Tokenizer TOKENIZER = Tokenizer.load(BPE_DIR);
        static final TokenizerTokenCounter COUNTER = new TokenizerTokenCounter(TOKENIZER);
    }

    private static final class Qwen {
        static final Tokenizer TOKENIZER = Tokenizer.load(QWEN_DIR);
    }
}
