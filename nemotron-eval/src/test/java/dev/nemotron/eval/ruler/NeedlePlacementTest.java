package dev.nemotron.eval.ruler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Needles at requested depths: the edges, the middle, several at one depth, and bad depth lists. */
class NeedlePlacementTest {
    private static RulerGenerator generator(List<Double> depths) {
        return new RulerGenerator(Fixtures.bpeCounter(), RulerOptions.defaults().withDepths(depths));
    }

    private static void check(RulerSample s) {
        SampleChecks.check(s, Fixtures.bpe(), PromptFormat.plain(), RulerOptions.DEFAULT_TOLERANCE, true);
    }

    @Test
    void depthZeroIsRightAfterTheInstructionsAndDepthOneRightBeforeTheQuestion() {
        RulerSample first = generator(List.of(0.0)).generate(RulerTask.NIAH_SINGLE_2, 2048, 5, 0);
        check(first);
        NeedlePosition n = first.needles().getFirst();
        assertThat(n.unit()).isZero();
        assertThat(first.input().substring(0, n.charOffset())).endsWith("I will quiz you about the number afterwards.\n");

        RulerSample last = generator(List.of(1.0)).generate(RulerTask.NIAH_SINGLE_2, 2048, 5, 0);
        check(last);
        NeedlePosition m = last.needles().getFirst();
        assertThat(m.unit()).isEqualTo(m.units());
        // after the needle: at most the cut-short rest of a sentence, then the question
        String rest = last.input().substring(m.charOffset() + m.text().length());
        int question = rest.indexOf("\nWhat is the special magic number for ");
        assertThat(question).isNotNegative();
        String fragment = rest.substring(0, question).strip();
        if (!fragment.isEmpty()) {
            boolean[] ends = SentenceSplitter.sentenceEnds(fragment.split(" "));
            for (int i = 0; i < ends.length - 1; i++) {
                assertThat(ends[i]).as(fragment).isFalse();
            }
            assertThat(fragment).doesNotMatch(".*[.!?]");
        }
    }

    @Test
    void middleOfEachHaystackKind() {
        for (RulerTask t : List.of(RulerTask.NIAH_SINGLE_1, RulerTask.NIAH_SINGLE_3, RulerTask.NIAH_MULTIKEY_2)) {
            RulerSample s = generator(List.of(0.5)).generate(t, 4096, 9, 0);
            check(s);
            NeedlePosition n = s.needles().getFirst();
            assertThat(n.depth()).isEqualTo(0.5);
            assertThat(n.unit()).as(t.id()).isEqualTo(n.units() / 2);
            assertThat((double) n.charOffset() / s.input().length()).as(t.id()).isBetween(0.4, 0.6);
        }
    }

    @Test
    void oneDepthForSeveralNeedlesPutsThemTogether() {
        RulerSample s = generator(List.of(0.25)).generate(RulerTask.NIAH_MULTIVALUE, 4096, 2, 0);
        check(s);
        assertThat(s.needles()).hasSize(4).extracting(NeedlePosition::unit).containsOnly(s.needles().getFirst().unit());
        List<NeedlePosition> byOffset = s.needles().stream().sorted((a, b) -> Integer.compare(a.charOffset(), b.charOffset())).toList();
        for (int i = 1; i < byOffset.size(); i++) {
            NeedlePosition prev = byOffset.get(i - 1);
            assertThat(byOffset.get(i).charOffset()).isEqualTo(prev.charOffset() + prev.text().length() + 1);
        }
    }

    @Test
    void oneDepthPerNeedleAndChains() {
        List<Double> depths = List.of(0.1, 0.3, 0.6, 0.9);
        RulerSample s = generator(depths).generate(RulerTask.NIAH_MULTIKEY_1, 4096, 4, 0);
        check(s);
        assertThat(s.needles()).extracting(NeedlePosition::depth).containsExactlyElementsOf(depths);

        RulerSample vt = generator(List.of(0.9, 0.1, 0.5, 0.3, 0.7)).generate(RulerTask.VT, 4096, 4, 0);
        check(vt);
        assertThat(vt.needles()).extracting(NeedlePosition::depth).containsExactly(0.1, 0.3, 0.5, 0.7, 0.9);
    }

    @Test
    void rulerDepthsComeFromItsGrid() {
        RulerSample s = generator(List.of()).generate(RulerTask.NIAH_MULTIQUERY, 4096, 11, 0);
        check(s);
        assertThat(s.needles()).hasSize(4).allSatisfy(n -> assertThat(Depths.GRID).contains(n.depth()));
        assertThat(s.needles().stream().map(NeedlePosition::depth).distinct()).hasSize(4);
        assertThat(Depths.GRID).hasSize(40).startsWith(0.0, 0.03, 0.05).endsWith(0.97, 1.0);
    }

    @Test
    void badDepths() {
        assertThatThrownBy(() -> generator(List.of(0.1, 0.2)).generate(RulerTask.NIAH_MULTIQUERY, 4096, 1, 0))
                .isInstanceOf(NemotronException.class)
                .hasMessage("niah_multiquery places 4 needles but 2 depths were given (give one depth for all, or one per needle)");
        assertThatThrownBy(() -> RulerOptions.defaults().withDepths(List.of(1.5))).isInstanceOf(NemotronException.class)
                .hasMessageContaining("needle depth 1.5 is not a fraction in [0, 1]");
    }
}
