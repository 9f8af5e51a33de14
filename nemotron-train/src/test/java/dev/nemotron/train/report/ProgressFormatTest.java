package dev.nemotron.train.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProgressFormatTest {
    private static final double NAN = Double.NaN;

    @Test
    void fullLine() {
        ProgressState s = new ProgressState(120, 400, 3.41249, 3.55, 4.5e-4, 2310.4, 112.7, 48, false);
        assertThat(ProgressFormat.line(s, 20))
                .isEqualTo("step 120/400 [######..............]  30%  loss 3.412  eval 3.550  lr 4.5e-04  2,310 tok/s  eta 1m52s");
    }

    @Test
    void unknownFieldsAreLeftOutAndStepIsPadded() {
        ProgressState s = new ProgressState(7, 1000, 6.5, NAN, NAN, NAN, NAN, 0.5, false);
        assertThat(ProgressFormat.line(s, 10)).isEqualTo("step    7/1000 [..........]   0%  loss 6.500  eta --");
        assertThat(ProgressFormat.line(s, 0)).isEqualTo("step    7/1000   0%  loss 6.500  eta --");
    }

    @Test
    void finishedShowsTimeTakenAndFullBar() {
        ProgressState s = new ProgressState(50, 50, Double.POSITIVE_INFINITY, 2.0, 1e-3, 12_345_678, 0, 3725, true);
        assertThat(ProgressFormat.line(s, 4))
                .isEqualTo("step 50/50 [####] 100%  loss inf  eval 2.000  lr 1.0e-03  12,345,678 tok/s  took 1h02m");
    }

    @Test
    void durations() {
        assertThat(ProgressFormat.duration(0)).isEqualTo("0s");
        assertThat(ProgressFormat.duration(59.9)).isEqualTo("59s");
        assertThat(ProgressFormat.duration(60)).isEqualTo("1m00s");
        assertThat(ProgressFormat.duration(112)).isEqualTo("1m52s");
        assertThat(ProgressFormat.duration(3599)).isEqualTo("59m59s");
        assertThat(ProgressFormat.duration(3600 * 5 + 7 * 60 + 30)).isEqualTo("5h07m");
        assertThat(ProgressFormat.duration(86_400 * 2 + 3600 * 3)).isEqualTo("2d03h");
        assertThat(ProgressFormat.duration(-5)).isEqualTo("0s");
    }

}
