package dev.nemotron.train.autodiff.mamba;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.layer.train.Segments;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The scan of a packed row: {@link SelectiveScan} (both forward forms, backward) equals the
 * samples scanned one by one (outputs concatenated, per-position gradients concatenated, dA and
 * dD summed), and equals {@link ReferenceScan} given the same segments. Cases put a segment start
 * inside a chunk, exactly on a chunk edge, make a one-position sample and a chunk longer than the row.
 */
class PackedScanTest {
    record Inputs(SelectiveScan.Shape s, int len, double[] x, double[] dt, double[] a, double[] b, double[] c,
                  double[] d, double[] dy) {
        static Inputs random(SelectiveScan.Shape s, int len, long seed) {
            SplittableRandom rnd = new SplittableRandom(seed);
            int hh = s.heads(), pp = s.headDim(), gn = s.groups() * s.stateSize();
            return new Inputs(s, len, rnd(rnd, len * hh * pp, -1, 1), rnd(rnd, len * hh, 0.05, 0.6),
                    rnd(rnd, hh, -1.5, -0.2), rnd(rnd, len * gn, -1, 1), rnd(rnd, len * gn, -1, 1), rnd(rnd, hh, -1, 1),
                    rnd(rnd, len * hh * pp, -1, 1));
        }

        private static double[] rnd(SplittableRandom rnd, int n, double lo, double hi) {
            return ScanVersusReferenceTest.random(rnd, n, lo, hi);
        }

        /** Positions [from, from + n) of this row's per-position tensors. */
        Inputs slice(int from, int n) {
            int hp = s.heads() * s.headDim(), hh = s.heads(), gn = s.groups() * s.stateSize();
            return new Inputs(s, n, Arrays.copyOfRange(x, from * hp, (from + n) * hp),
                    Arrays.copyOfRange(dt, from * hh, (from + n) * hh), a, Arrays.copyOfRange(b, from * gn, (from + n) * gn),
                    Arrays.copyOfRange(c, from * gn, (from + n) * gn), d, Arrays.copyOfRange(dy, from * hp, (from + n) * hp));
        }
    }

    private static double[] concat(double[] acc, double[] part) {
        double[] out = Arrays.copyOf(acc, acc.length + part.length);
        System.arraycopy(part, 0, out, acc.length, part.length);
        return out;
    }

    private static double[] add(double[] acc, double[] part) {
        double[] out = acc.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += part[i];
        }
        return out;
    }

    @ParameterizedTest(name = "H={0} P={1} G={2} N={3} chunk={4} segments {5}")
    @CsvSource(delimiter = ';', value = {
        "2;3;1;4;3;4 2 5",          // start at 4: inside chunk [3,6); at 6: on a chunk edge; a sample of 2
        "4;5;2;3;4;4 1 7 3",        // starts on edges 4 and 12, a one-position sample, 5 inside
        "2;8;2;8;5;1 1 1 9",        // three one-position samples, then a long one over two chunks
        "3;2;3;5;64;6 7",           // one chunk longer than the row
        "4;4;1;4;1;2 3"})           // chunk 1: every position is a chunk edge
    void packedScanEqualsTheSamplesScannedOneByOne(int heads, int p, int groups, int n, int chunk, String lengths) {
        int[] lens = Arrays.stream(lengths.split(" ")).mapToInt(Integer::parseInt).toArray();
        Segments seg = Segments.of(lens);
        SelectiveScan.Shape s = new SelectiveScan.Shape(heads, p, groups, n);
        Inputs in = Inputs.random(s, seg.length(), 31L * heads + chunk + seg.length());
        int[] starts = seg.tokenStarts();
        for (SelectiveScan.Mode mode : SelectiveScan.Mode.values()) {
            SelectiveScan.Saved packed = new SelectiveScan.Saved();
            double[] y = SelectiveScan.forward(mode, s, in.len(), chunk, in.x(), in.dt(), in.a(), in.b(), in.c(), in.d(),
                    starts, packed);
            SelectiveScan.Grads g = SelectiveScan.backward(in.dy(), packed);
            // the samples one by one
            double[] ySep = new double[0], dx = new double[0], ddt = new double[0], db = new double[0], dc = new double[0];
            double[] da = new double[heads], dd = new double[heads];
            for (int i = 0; i < seg.count(); i++) {
                Inputs one = in.slice(seg.start(i), seg.length(i));
                SelectiveScan.Saved sv = new SelectiveScan.Saved();
                ySep = concat(ySep, SelectiveScan.forward(mode, s, one.len(), chunk, one.x(), one.dt(), one.a(), one.b(),
                        one.c(), one.d(), sv));
                SelectiveScan.Grads gi = SelectiveScan.backward(one.dy(), sv);
                dx = concat(dx, gi.dx());
                ddt = concat(ddt, gi.ddt());
                db = concat(db, gi.db());
                dc = concat(dc, gi.dc());
                da = add(da, gi.da());
                dd = add(dd, gi.dd());
            }
            ScanVersusReferenceTest.assertClose(mode + " y", y, ySep);
            ScanVersusReferenceTest.assertClose(mode + " dx", g.dx(), dx);
            ScanVersusReferenceTest.assertClose(mode + " ddt", g.ddt(), ddt);
            ScanVersusReferenceTest.assertClose(mode + " dB", g.db(), db);
            ScanVersusReferenceTest.assertClose(mode + " dC", g.dc(), dc);
            ScanVersusReferenceTest.assertClose(mode + " dA", g.da(), da);
            ScanVersusReferenceTest.assertClose(mode + " dD", g.dd(), dd);
            // the same row without segments mixes the samples: the comparison can fail
            double[] mixed = SelectiveScan.forward(mode, s, in.len(), chunk, in.x(), in.dt(), in.a(), in.b(), in.c(),
                    in.d(), null);
            assertThat(maxDiff(mixed, ySep)).as("unsegmented row differs").isGreaterThan(1e-6);
        }
    }

    @ParameterizedTest(name = "H={0} P={1} G={2} N={3} chunk={4} segments {5}")
    @CsvSource(delimiter = ';', value = {"2;3;1;4;3;4 2 5", "4;5;2;3;4;4 1 7 3", "8;32;2;32;16;16 9 15", "2;7;1;9;5;1 12"})
    void packedScanEqualsTheScalarReference(int heads, int p, int groups, int n, int chunk, String lengths) {
        Segments seg = Segments.of(Arrays.stream(lengths.split(" ")).mapToInt(Integer::parseInt).toArray());
        SelectiveScan.Shape s = new SelectiveScan.Shape(heads, p, groups, n);
        Inputs in = Inputs.random(s, seg.length(), 7L * heads + n + seg.length());
        int[] starts = seg.tokenStarts();
        int nc = (in.len() + chunk - 1) / chunk;
        for (SelectiveScan.Mode mode : SelectiveScan.Mode.values()) {
            SelectiveScan.Saved saved = new SelectiveScan.Saved();
            double[] y = SelectiveScan.forward(mode, s, in.len(), chunk, in.x(), in.dt(), in.a(), in.b(), in.c(), in.d(),
                    starts, saved);
            double[] boundary = new double[(nc + 1) * heads * p * n];
            double[] yRef = mode == SelectiveScan.Mode.CHUNKED
                    ? ReferenceScan.chunked(s, in.len(), chunk, in.x(), in.dt(), in.a(), in.b(), in.c(), in.d(), starts,
                            boundary)
                    : ReferenceScan.recurrent(s, in.len(), chunk, in.x(), in.dt(), in.a(), in.b(), in.c(), in.d(), starts,
                            boundary);
            ScanVersusReferenceTest.assertClose(mode + " y", y, yRef);
            ScanVersusReferenceTest.assertClose(mode + " boundary", saved.boundary, boundary);
            SelectiveScan.Grads g = SelectiveScan.backward(in.dy(), saved);
            SelectiveScan.Grads r = ReferenceScan.backward(in.dy(), saved);
            ScanVersusReferenceTest.assertClose("dx", g.dx(), r.dx());
            ScanVersusReferenceTest.assertClose("ddt", g.ddt(), r.ddt());
            ScanVersusReferenceTest.assertClose("da", g.da(), r.da());
            ScanVersusReferenceTest.assertClose("db", g.db(), r.db());
            ScanVersusReferenceTest.assertClose("dc", g.dc(), r.dc());
            ScanVersusReferenceTest.assertClose("dd", g.dd(), r.dd());
        }
    }

    private static double maxDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
