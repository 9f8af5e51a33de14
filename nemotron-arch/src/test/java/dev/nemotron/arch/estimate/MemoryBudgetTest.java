package dev.nemotron.arch.estimate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.tensor.DType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {
    private static MemoryEstimate estimate(long weights, long kv, long ssm, long conv) {
        return new MemoryEstimate("M*", 1, 1, weights / 2, Map.of(DType.BF16, weights), DType.BF16, kv, ssm, conv, List.of());
    }

    @Test
    void theFirstLineWhoseRunningTotalPassesTheBudgetBreaksIt() {
        MemoryEstimate e = estimate(100, 50, 10, 5);
        assertThat(MemoryBudget.check(e, 99, 0).breaks().name()).isEqualTo("weights");
        assertThat(MemoryBudget.check(e, 100, 0).breaks().name()).isEqualTo("kv_cache");
        assertThat(MemoryBudget.check(e, 159, 0).breaks().name()).isEqualTo("ssm_state");
        assertThat(MemoryBudget.check(e, 164, 0).breaks().name()).isEqualTo("conv_state");
        assertThat(MemoryBudget.check(e, 165, 0).feasible()).isTrue();
        MemoryBudget withOverhead = MemoryBudget.check(e, 165, 1);
        assertThat(withOverhead.breaks().name()).isEqualTo("overhead");
        assertThat(withOverhead.totalBytes()).isEqualTo(166);
        assertThat(withOverhead.headroomBytes()).isEqualTo(-1);
        assertThat(withOverhead.lines()).extracting(MemoryBudget.Line::cumulativeBytes).containsExactly(100L, 150L, 160L, 165L, 166L);
        assertThat(MemoryBudget.check(e, 165, 0).describeBreak()).isNull();
    }
}
