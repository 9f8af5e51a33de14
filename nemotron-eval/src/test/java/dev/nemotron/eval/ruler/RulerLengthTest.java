package dev.nemotron.eval.ruler;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Every task at 1k, 4k and 16k tokens, and a subset at 64k, with the 2k-vocabulary BPE of the
 * examples: the prompt plus the answer budget lands within 2% below the target, and every sample
 * passes {@link SampleChecks}.
 */
class RulerLengthTest {
    private static final RulerGenerator GENERATOR = new RulerGenerator(Fixtures.bpeCounter(), RulerOptions.defaults());

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (int length : new int[] {1024, 4096, 16384}) {
            for (RulerTask t : RulerTask.values()) {
                if (t != RulerTask.CWE || length > 4096) {
                    out.add(Arguments.of(t, length));
                }
            }
        }
        for (RulerTask t : List.of(RulerTask.NIAH_SINGLE_1, RulerTask.NIAH_SINGLE_2, RulerTask.NIAH_MULTIKEY_2,
                RulerTask.NIAH_MULTIKEY_3, RulerTask.NIAH_MULTIQUERY, RulerTask.VT, RulerTask.CWE, RulerTask.FWE)) {
            out.add(Arguments.of(t, 65536));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} at {1}")
    @MethodSource("cases")
    void landsWithinTwoPercentAndPassesTheChecks(RulerTask task, int length) {
        RulerSample s = GENERATOR.generate(task, length, 1000L + length, 0);
        SampleChecks.check(s, Fixtures.bpe(), PromptFormat.plain(), RulerOptions.DEFAULT_TOLERANCE, true);
    }

    @Test
    void commonWordsNeedsMoreThanFourThousandTokensWithASmallVocabulary() {
        // 300 common entries plus a 190-entry example take ~4.3k tokens of a 2k-vocabulary BPE
        assertThatThrownBy(() -> GENERATOR.generate(RulerTask.CWE, 4096, 1, 0)).isInstanceOf(NemotronException.class)
                .hasMessageContaining("cwe at length 4096: the prompt without any haystack already has")
                .hasMessageContaining("use a larger length");
    }
}
