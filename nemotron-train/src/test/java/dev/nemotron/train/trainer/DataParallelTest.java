package dev.nemotron.train.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.distributed.ProcessGroup;
import dev.nemotron.api.optim.OptimizerState;
import dev.nemotron.api.optim.Parameter;
import dev.nemotron.api.optim.ParameterGroup;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The sharding rules of {@link DataParallel} (the collectives: DataParallelPretrainTest, TcpProcessGroupTest). */
class DataParallelTest {
    /** A group that is only a rank and a size (no collective is called here). */
    record Fake(int rank, int size) implements ProcessGroup {
        public void allReduce(double[] data, ReduceOp op) {
            throw new UnsupportedOperationException();
        }

        public void allGather(double[] data, int[] counts) {
            throw new UnsupportedOperationException();
        }

        public byte[] broadcast(byte[] bytes) {
            throw new UnsupportedOperationException();
        }

        public List<byte[]> gather(byte[] bytes) {
            throw new UnsupportedOperationException();
        }

        public void barrier() {
        }

        public void close() {
        }
    }

    static ParameterGroup params(int... sizes) {
        List<Parameter> ps = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            ps.add(new Parameter("p" + i, new double[sizes[i]], new double[sizes[i]], true));
        }
        return ParameterGroup.of(ps);
    }

    @Test
    void everyParameterHasExactlyOneOwnerInContiguousBalancedRuns() {
        int[] sizes = {1000, 10, 10, 500, 500, 3, 2000, 7, 40};
        for (int n = 1; n <= 4; n++) {
            List<String> owners = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            long biggest = 0;
            for (int r = 0; r < n; r++) {
                DataParallel dp = new DataParallel(new Fake(r, n));
                dp.partition(params(sizes));
                int elements = 0;
                for (Parameter p : dp.owned().parameters()) {
                    assertThat(seen.add(p.name())).as("%s owned twice", p.name()).isTrue();
                    owners.add(p.name());
                    elements += p.size();
                }
                assertThat(dp.counts()[r]).isEqualTo(elements);
                biggest = Math.max(biggest, elements);
            }
            // rank order is parameter order: the owners' runs are contiguous
            assertThat(owners).containsExactly("p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8");
            assertThat(biggest).as("no rank holds much more than its share plus one parameter").isLessThanOrEqualTo(4070 / n + 2000);
        }
    }

    @Test
    void aRankKeepsOnlyTheStateOfItsParameters() {
        DataParallel dp = new DataParallel(new Fake(1, 2));
        dp.partition(params(100, 100, 100, 100));
        Map<String, double[]> whole = new LinkedHashMap<>();
        for (String slot : List.of("exp_avg", "exp_avg_sq")) {
            for (int i = 0; i < 4; i++) {
                whole.put(slot + "/p" + i, new double[100]);
            }
        }
        OptimizerState mine = dp.ownedPart(new OptimizerState(whole));
        assertThat(mine.names()).containsExactly("exp_avg/p2", "exp_avg/p3", "exp_avg_sq/p2", "exp_avg_sq/p3");
    }

    @Test
    void eachRankTakesItsContiguousRowsOfTheGlobalBatch() {
        int[][] in = new int[6][];
        int[][] tg = new int[6][];
        for (int b = 0; b < 6; b++) {
            in[b] = new int[] {b};
            tg[b] = new int[] {-b};
        }
        TrainingBatch global = new TrainingBatch(in, tg);
        TrainingBatch r1 = new DataParallel(new Fake(1, 3)).shard(global);
        assertThat(r1.inputs()).isDeepEqualTo(new int[][] {{2}, {3}});
        assertThat(r1.targets()).isDeepEqualTo(new int[][] {{-2}, {-3}});
        assertThatThrownBy(() -> new DataParallel(new Fake(0, 4)).shard(global)).isInstanceOf(NemotronException.class)
                .hasMessageContaining("6 sequences does not split evenly over 4 ranks");
    }
}
