package dev.nemotron.eval.math;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every pair of {@link EquivalenceTable}, in the directions its mark says. */
class MathVerifierTableTest {
    static List<EquivalenceTable.Row> rows() {
        return EquivalenceTable.rows();
    }

    @Test
    void tableIsBroad() {
        List<EquivalenceTable.Row> rows = rows();
        assertThat(rows).hasSizeGreaterThanOrEqualTo(150);
        assertThat(rows.stream().filter(r -> r.mark() == '!').count()).isGreaterThanOrEqualTo(50);
        assertThat(rows).allMatch(r -> "=>!".indexOf(r.mark()) >= 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void pair(EquivalenceTable.Row row) {
        boolean expected = row.mark() != '!';
        assertThat(MathVerifier.equivalent(row.gold(), row.prediction()))
                .as("%s\n  %s", row, new MathVerifier(MathVerifyOptions.DEFAULTS).explain(row.gold(), row.prediction()))
                .isEqualTo(expected);
        if (row.mark() != '>') {
            assertThat(MathVerifier.equivalent(row.prediction(), row.gold()))
                    .as("reversed %s\n  %s", row, new MathVerifier(MathVerifyOptions.DEFAULTS).explain(row.prediction(), row.gold()))
                    .isEqualTo(expected);
        }
    }
}
