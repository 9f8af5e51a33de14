package dev.nemotron.eval.ruler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Task names, RULER's settings per task, and parsing of task lists. */
class RulerTaskTest {
    @Test
    void namesAndBudgetsAreRulers() {
        assertThat(RulerTask.values()).extracting(RulerTask::id).containsExactly("niah_single_1", "niah_single_2", "niah_single_3",
                "niah_multikey_1", "niah_multikey_2", "niah_multikey_3", "niah_multivalue", "niah_multiquery", "vt", "cwe", "fwe");
        assertThat(RulerTask.NIAH_SINGLE_1.tokensToGenerate()).isEqualTo(128);
        assertThat(RulerTask.VT.tokensToGenerate()).isEqualTo(30);
        assertThat(RulerTask.CWE.tokensToGenerate()).isEqualTo(120);
        assertThat(RulerTask.FWE.tokensToGenerate()).isEqualTo(50);
        assertThat(RulerTask.NIAH_MULTIQUERY.niah().keys()).isEqualTo(4);
        assertThat(RulerTask.NIAH_MULTIVALUE.niah().needles()).isEqualTo(4);
        assertThat(RulerTask.NIAH_MULTIKEY_3.niah().keyType()).isEqualTo(NiahSpec.ValueType.UUIDS);
    }

    @Test
    void parsesLists() {
        assertThat(RulerTask.parseList("vt, cwe,vt")).containsExactly(RulerTask.VT, RulerTask.CWE);
        assertThat(RulerTask.parseList("all")).hasSize(11);
    }

    @Test
    void badNames() {
        assertThatThrownBy(() -> RulerTask.parse("niah_single_4")).isInstanceOf(NemotronException.class)
                .hasMessageContaining("unknown RULER task 'niah_single_4' (known: niah_single_1,");
        assertThatThrownBy(() -> RulerTask.parse("qa_1")).isInstanceOf(NemotronException.class)
                .hasMessageContaining("needs SQuAD/HotpotQA");
        assertThatThrownBy(() -> RulerTask.parseList("vt,,cwe")).isInstanceOf(NemotronException.class)
                .hasMessageContaining("empty task name");
        assertThatThrownBy(() -> RulerTask.parseList(" ")).isInstanceOf(NemotronException.class);
        assertThat(List.of(RulerTask.values())).allSatisfy(t -> assertThat(RulerTask.parse(t.id())).isEqualTo(t));
    }
}
