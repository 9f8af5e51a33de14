package dev.nemotron.train.autodiff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.layer.dims.Mamba2Dims;
import dev.nemotron.train.autodiff.core.Parameters;
import dev.nemotron.train.autodiff.mamba.SelectiveScan;
import dev.nemotron.train.autodiff.mamba.TrainableMamba2;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The selective scan and the whole Mamba-2 mixer: both forward forms agree, and the one backward
 * pass (the recurrence in reverse) is the gradient of the chunked form and of the recurrence alike.
 */
class MambaTest {

    /** x, dt, A, B, C, D of one scan with random values (dt > 0, A < 0). */
    record ScanInputs(double[] x, double[] dt, double[] a, double[] b, double[] c, double[] d) {
        static ScanInputs random(SelectiveScan.Shape s, int len, long seed) {
            SplittableRandom rnd = new SplittableRandom(seed);
            double[] dt = GradCheck.random(rnd, len * s.heads(), 1);
            for (int i = 0; i < dt.length; i++) {
                dt[i] = 0.05 + 0.5 * Math.abs(dt[i]);
            }
            double[] a = GradCheck.random(rnd, s.heads(), 1);
            for (int i = 0; i < a.length; i++) {
                a[i] = -0.2 - Math.abs(a[i]);
            }
            int gn = len * s.groups() * s.stateSize();
            return new ScanInputs(GradCheck.random(rnd, len * s.heads() * s.headDim(), 1), dt, a,
                    GradCheck.random(rnd, gn, 1), GradCheck.random(rnd, gn, 1), GradCheck.random(rnd, s.heads(), 1));
        }
    }

    @ParameterizedTest(name = "L={0} chunk={1} H={2} P={3} G={4} N={5}")
    @CsvSource({"1,4,2,3,1,2", "7,4,4,3,2,5", "12,4,4,2,2,3", "10,3,3,2,1,4", "9,16,2,2,2,3", "11,1,2,3,1,2"})
    void chunkedFormEqualsRecurrenceAndBothHaveTheAdjointGradient(int len, int chunk, int heads, int p, int groups,
                                                                  int n) {
        SelectiveScan.Shape s = new SelectiveScan.Shape(heads, p, groups, n);
        ScanInputs in = ScanInputs.random(s, len, len * 7L + chunk);
        double[] r = GradCheck.random(new SplittableRandom(len), len * heads * p, 1);
        // forward: the two forms agree, and so do their final states
        SelectiveScan.Saved sc = new SelectiveScan.Saved();
        SelectiveScan.Saved sr = new SelectiveScan.Saved();
        double[] yc = SelectiveScan.forward(SelectiveScan.Mode.CHUNKED, s, len, chunk, in.x, in.dt, in.a, in.b, in.c,
                in.d, sc);
        double[] yr = SelectiveScan.forward(SelectiveScan.Mode.RECURRENT, s, len, chunk, in.x, in.dt, in.a, in.b,
                in.c, in.d, sr);
        assertThat(relErr(yc, yr)).as("chunked == recurrence").isLessThan(1e-12);
        assertThat(relErr(sc.finalState(), sr.finalState())).as("final states").isLessThan(1e-12);
        // backward: one adjoint pass; it must be the gradient of each forward form
        SelectiveScan.Grads gc = SelectiveScan.backward(r, sc);
        SelectiveScan.Grads gr = SelectiveScan.backward(r, sr);
        assertThat(relErr(gc.dx(), gr.dx())).isLessThan(1e-12);
        for (SelectiveScan.Mode mode : SelectiveScan.Mode.values()) {
            DoubleSupplier f = () -> GradCheck.dot(r, SelectiveScan.forward(mode, s, len, chunk, in.x, in.dt, in.a,
                    in.b, in.c, in.d, null));
            SelectiveScan.Grads g = mode == SelectiveScan.Mode.CHUNKED ? gc : gr;
            GradCheck.checkAll(mode + " dx", f, in.x, g.dx());
            GradCheck.checkAll(mode + " ddt", f, in.dt, g.ddt());
            GradCheck.checkAll(mode + " dA", f, in.a, g.da());
            GradCheck.checkAll(mode + " dB", f, in.b, g.db());
            GradCheck.checkAll(mode + " dC", f, in.c, g.dc());
            GradCheck.checkAll(mode + " dD", f, in.d, g.dd());
        }
    }

    static Parameters mambaParams(Mamba2Dims m, int d, String prefix, boolean projBias, boolean convBias,
                                  long seed) {
        int inner = m.heads() * m.headDim();
        int convDim = inner + 2 * m.groups() * m.stateSize();
        int proj = inner + convDim + m.heads();
        Parameters p = MixerCheck.params(seed, 0.4, prefix + "in_proj.weight", new long[] {proj, d},
                prefix + "conv1d.weight", new long[] {convDim, 1, m.convKernel()}, prefix + "dt_bias",
                new long[] {m.heads()}, prefix + "A_log", new long[] {m.heads()}, prefix + "D", new long[] {m.heads()},
                prefix + "norm.weight", new long[] {inner}, prefix + "out_proj.weight", new long[] {d, inner});
        SplittableRandom rnd = new SplittableRandom(seed + 1);
        if (projBias) {
            p.put(prefix + "in_proj.bias", new long[] {proj}, GradCheck.random(rnd, proj, 0.3));
            p.put(prefix + "out_proj.bias", new long[] {d}, GradCheck.random(rnd, d, 0.3));
        }
        if (convBias) {
            p.put(prefix + "conv1d.bias", new long[] {convDim}, GradCheck.random(rnd, convDim, 0.3));
        }
        return p;
    }

    @ParameterizedTest(name = "L={0} chunk={1} groups={2} K={3} biases {4}/{5} dt limit [{6},{7}] {8}")
    @CsvSource({
        "1,4,2,4,false,true,0,Infinity,CHUNKED",
        "11,4,2,4,false,true,0,Infinity,CHUNKED",
        "11,4,2,4,false,true,0,Infinity,RECURRENT",
        "10,3,1,3,true,true,0,Infinity,CHUNKED",
        "7,5,1,2,true,false,0,Infinity,RECURRENT",
        "9,4,2,4,true,true,0.4,0.9,CHUNKED",
    })
    void mixer(int len, int chunk, int groups, int k, boolean projBias, boolean convBias, double dtMin, double dtMax,
               SelectiveScan.Mode mode) {
        int d = 6;
        var dims = new Mamba2Dims(d, 4, 3, groups, 2, k, chunk, projBias, convBias, dtMin, dtMax);
        String prefix = "backbone.layers.0.mixer.";
        Parameters p = mambaParams(dims, d, prefix, projBias, convBias, len * 13L + k);
        TrainableMamba2 mixer = new TrainableMamba2(p, prefix, dims, 1e-5).scanMode(mode);
        MixerCheck.check("mamba " + mode, mixer, p, len, d, len, 24);
    }

    private static double relErr(double[] a, double[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - b[i]) * (a[i] - b[i]);
            den += b[i] * b[i];
        }
        return Math.sqrt(num / den);
    }
}
