package dev.nemotron.api.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import org.junit.jupiter.api.Test;

/** Cutting a tensor along several axes, and the checks of kept indices. */
class ParameterSliceTest {
    @Test
    void keepsTheListedIndicesOfEveryAxisInRowMajorOrder() {
        // t[i][j][k] = 100 i + 10 j + k, shape [3, 4, 2]
        double[] t = new double[24];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) {
                for (int k = 0; k < 2; k++) {
                    t[i * 8 + j * 2 + k] = 100 * i + 10 * j + k;
                }
            }
        }
        ParameterSlice s = new ParameterSlice("w", new long[] {3, 4, 2}, new int[][] {{0, 2}, {1, 3}, null});
        assertThat(s.newShape()).containsExactly(2, 2, 2);
        assertThat(s.apply(t)).containsExactly(10, 11, 30, 31, 210, 211, 230, 231);
        float[] f = new float[24];
        for (int i = 0; i < 24; i++) {
            f[i] = (float) t[i];
        }
        assertThat(s.apply(f)).containsExactly(10, 11, 30, 31, 210, 211, 230, 231);
        assertThat(s.sourceIndices()).containsExactly(2, 3, 6, 7, 18, 19, 22, 23);
        assertThat(ParameterSlice.along("b", new long[] {5}, 0, new int[] {4}).apply(new double[] {0, 1, 2, 3, 4}))
                .containsExactly(4);
    }

    @Test
    void badIndicesAreRefused() {
        assertThatThrownBy(() -> new ParameterSlice("w", new long[] {3}, new int[][] {{3}}))
                .hasMessageContaining("index 3 out of range");
        assertThatThrownBy(() -> new ParameterSlice("w", new long[] {3, 2}, new int[][] {{1}}))
                .hasMessageContaining("1 axes of indices");
        assertThatThrownBy(() -> new ParameterSlice("w", new long[] {3}, new int[][] {null}).apply(new double[2]))
                .hasMessageContaining("2 values for shape [3]");
        assertThatThrownBy(() -> LayerResize.units(2, 1)).hasMessageContaining("ascending");
        assertThatThrownBy(() -> LayerResize.orAll(new int[] {1, 5}, 5, "MLP neuron"))
                .isInstanceOf(NemotronException.class).hasMessageContaining("MLP neuron index 5 is out of range");
        assertThat(LayerResize.orAll(null, 3, "x")).containsExactly(0, 1, 2);
    }
}
