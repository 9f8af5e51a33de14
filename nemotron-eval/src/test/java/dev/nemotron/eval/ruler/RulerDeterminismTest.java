package dev.nemotron.eval.ruler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The same seed gives the same sample; a suite's samples do not depend on which other tasks it holds. */
class RulerDeterminismTest {
    private static String json(RulerSample s) {
        return RulerJson.toJson(s).toString();
    }

    @Test
    void sameSeedSameSample() {
        for (RulerTask t : RulerTask.values()) {
            int length = t == RulerTask.CWE ? 8192 : 2048;
            RulerSample a = new RulerGenerator(Fixtures.bpeCounter(), RulerOptions.defaults()).generate(t, length, 77, 3);
            RulerSample b = new RulerGenerator(Fixtures.bpeCounter(), RulerOptions.defaults()).generate(t, length, 77, 3);
            RulerSample c = new RulerGenerator(Fixtures.bpeCounter(), RulerOptions.defaults()).generate(t, length, 78, 3);
            assertThat(json(a)).as(t.id()).isEqualTo(json(b));
            assertThat(a.input()).as(t.id()).isNotEqualTo(c.input());
            assertThat(a.outputs()).as(t.id()).isNotEqualTo(c.outputs());
        }
    }

    @Test
    void suiteSamplesDependOnTheirOwnTaskLengthAndIndexOnly() {
        RulerSuite small = RulerSuite.generate(List.of(RulerTask.VT), List.of(2048), 2, 5, Fixtures.bpeCounter());
        RulerSuite big = RulerSuite.generate(List.of(RulerTask.NIAH_SINGLE_1, RulerTask.VT), List.of(1024, 2048), 2, 5,
                Fixtures.bpeCounter());
        assertThat(big.samples()).hasSize(8);
        List<String> vtAt2048 = big.samples().stream().filter(s -> s.task() == RulerTask.VT && s.length() == 2048)
                .map(RulerDeterminismTest::json).toList();
        assertThat(vtAt2048).containsExactlyElementsOf(small.samples().stream().map(RulerDeterminismTest::json).toList());
        assertThat(big.samples()).extracting(s -> s.task().id() + "@" + s.length() + "#" + s.index()).containsExactly(
                "niah_single_1@1024#0", "niah_single_1@1024#1", "vt@1024#0", "vt@1024#1",
                "niah_single_1@2048#0", "niah_single_1@2048#1", "vt@2048#0", "vt@2048#1");
        assertThat(big.samples().get(0).input()).isNotEqualTo(big.samples().get(1).input());
        RulerSuite again = RulerSuite.generate(List.of(RulerTask.NIAH_SINGLE_1, RulerTask.VT), List.of(1024, 2048), 2, 5,
                Fixtures.bpeCounter());
        assertThat(again.samples().stream().map(RulerDeterminismTest::json).toList())
                .containsExactlyElementsOf(big.samples().stream().map(RulerDeterminismTest::json).toList());
    }
}
