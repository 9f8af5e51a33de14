package dev.nemotron.eval.ruler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Essay haystack texts: the bundled Moby-Dick, a text given by path (reused from its start when short), sentence ends. */
class HaystackTextTest {
    @TempDir
    Path tmp;

    @Test
    void bundledMobyDickIsTheExamplesText() throws IOException {
        assertThat(HaystackText.mobyDickText()).isEqualTo(Files.readString(Path.of("../examples/data/moby-dick.txt")));
        HaystackText moby = HaystackText.mobyDick();
        assertThat(moby.name()).isEqualTo("moby-dick");
        assertThat(moby.wordCount()).isBetween(200_000, 215_000);
        assertThat(moby.word(0)).isEqualTo("CHAPTER");
        assertThat(CommonWordsVocabulary.words()).hasSizeGreaterThan(8000).contains("whale", "harpoon")
                .allMatch(w -> w.matches("[a-z]{4,12}")).isSorted();
    }

    @Test
    void aGivenTextIsUsedAndReusedFromItsStartWhenShort() {
        HaystackText excerpt = HaystackText.load(Fixtures.EXCERPT);
        assertThat(excerpt.name()).isEqualTo("moby-dick-excerpt.txt");
        RulerGenerator gen = new RulerGenerator(Fixtures.bpeCounter(), RulerOptions.defaults().withEssay(excerpt));
        RulerSample s = gen.generate(RulerTask.NIAH_SINGLE_2, 16384, 8, 0);
        SampleChecks.check(s, Fixtures.bpe(), PromptFormat.plain(), RulerOptions.DEFAULT_TOLERANCE, true);
        assertThat(s.haystack()).isEqualTo("essay:moby-dick-excerpt.txt");
        assertThat(s.haystackSize()).isGreaterThan(excerpt.wordCount());
        assertThat(s.input().indexOf("Call me Ishmael.")).isNotEqualTo(s.input().lastIndexOf("Call me Ishmael."));
    }

    @Test
    void sentenceEnds() {
        String[] w = "Mr. Starbuck said so. Then “Stop!” he cried. “Go!” J. Smith wrote (see ch. 4) on it. 42 men".split(" ");
        boolean[] ends = SentenceSplitter.sentenceEnds(w);
        StringBuilder marked = new StringBuilder();
        for (int i = 0; i < w.length; i++) {
            marked.append(w[i]).append(ends[i] ? " |" : "").append(' ');
        }
        assertThat(marked.toString().strip())
                .isEqualTo("Mr. Starbuck said so. | Then “Stop!” he cried. | “Go!” | J. Smith wrote (see ch. 4) on it. | 42 men |");
    }

    @Test
    void badTexts() throws IOException {
        assertThatThrownBy(() -> HaystackText.load(tmp.resolve("none.txt"))).isInstanceOf(NemotronException.class)
                .hasMessageEndingWith("none.txt: no such file");
        Path small = Files.writeString(tmp.resolve("small.txt"), "Too short. Really.");
        assertThatThrownBy(() -> HaystackText.load(small)).isInstanceOf(NemotronException.class)
                .hasMessage("haystack text small.txt: 3 words; a RULER essay haystack needs at least 100");
        Path bad = Files.write(tmp.resolve("latin1.txt"), new byte[] {'a', ' ', (byte) 0xE9, ' ', 'b'});
        assertThatThrownBy(() -> HaystackText.load(bad)).isInstanceOf(NemotronException.class)
                .hasMessageEndingWith("latin1.txt: not valid UTF-8");
    }
}
