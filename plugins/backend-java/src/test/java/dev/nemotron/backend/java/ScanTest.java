package dev.nemotron.backend.java;

import static dev.nemotron.backend.java.TestData.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.backend.MambaKernels;
import dev.nemotron.api.backend.SsmShape;
import dev.nemotron.backend.java.mamba.VectorMambaKernels;
import dev.nemotron.backend.java.reference.ReferenceKernels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ScanTest {
    private static final Parallel PAR = new Parallel(2);
    private static final VectorMambaKernels FAST = new VectorMambaKernels(PAR);
    private static final ReferenceKernels REF = new ReferenceKernels();
    private static final SsmShape SMALL = new SsmShape(4, 3, 2, 5);
    private static final SsmShape ODD = new SsmShape(6, 10, 3, 17);

    @AfterAll
    static void close() {
        PAR.close();
    }

    static List<Arguments> grid() {
        List<Arguments> out = new ArrayList<>();
        for (int cs : new int[] {1, 4, 8, 16}) {
            for (int len : new int[] {1, 3, cs - 1, cs, cs + 1, 37, 100}) {
                if (len >= 1) {
                    out.add(Arguments.of(len, cs, false));
                    out.add(Arguments.of(len, cs, true));
                }
            }
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("grid")
    void chunkedEqualsRecurrence(int len, int chunk, boolean withState) {
        for (SsmShape s : new SsmShape[] {SMALL, ODD}) {
            ScanInputs in = ScanInputs.random(s, len, withState, true, len * 131L + chunk);
            double[] exactState = new double[s.stateFloats()];
            double[] exact = in.bruteForce(exactState);
            for (MambaKernels m : new MambaKernels[] {FAST, REF}) {
                String who = m.getClass().getSimpleName() + " " + s + " len " + len + " chunk " + chunk;
                float[] st1 = withState ? in.stateCopy() : new float[s.stateFloats()];
                float[] st2 = withState ? in.stateCopy() : new float[s.stateFloats()];
                float[] y1 = in.newY();
                float[] y2 = in.newY();
                m.chunkedScan(s, len, chunk, in.x(), in.dt(), in.a(), in.b(), in.c(), in.d(), st1, y1);
                m.recurrentScan(s, len, in.x(), in.dt(), in.a(), in.b(), in.c(), in.d(), st2, y2);
                assertClose(y1, TestData.toDouble(y2), y1.length, 2e-5, who + " y chunked vs recurrent");
                assertClose(st1, TestData.toDouble(st2), st1.length, 2e-5, who + " state chunked vs recurrent");
                assertClose(y1, exact, y1.length, 2e-5, who + " chunked y vs float64");
                assertClose(st1, exactState, st1.length, 2e-5, who + " chunked state vs float64");
                assertClose(y2, exact, y2.length, 2e-5, who + " recurrent y vs float64");
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"1,1", "5,4", "37,8", "100,16", "130,32", "64,64"})
    void fastMatchesReferenceTightly(int len, int chunk) {
        SsmShape s = new SsmShape(16, 12, 4, 20);
        for (boolean withD : new boolean[] {true, false}) {
            ScanInputs in = ScanInputs.random(s, len, true, withD, len * 7L + chunk);
            float[] fs = in.stateCopy();
            float[] rs = in.stateCopy();
            float[] fy = in.newY();
            float[] ry = in.newY();
            FAST.chunkedScan(s, len, chunk, in.x(), in.dt(), in.a(), in.b(), in.c(), in.d(), fs, fy);
            REF.chunkedScan(s, len, chunk, in.x(), in.dt(), in.a(), in.b(), in.c(), in.d(), rs, ry);
            assertClose(fy, ry, fy.length, 1e-5, "chunked y");
            assertClose(fs, rs, fs.length, 1e-5, "chunked state");
            fs = in.stateCopy();
            rs = in.stateCopy();
            FAST.recurrentScan(s, len, in.x(), in.dt(), in.a(), in.b(), in.c(), in.d(), fs, fy);
            REF.recurrentScan(s, len, in.x(), in.dt(), in.a(), in.b(), in.c(), in.d(), rs, ry);
            assertClose(fy, ry, fy.length, 1e-5, "recurrent y");
            assertClose(fs, rs, fs.length, 1e-5, "recurrent state");
        }
    }

    @ParameterizedTest
    @CsvSource({"1", "9", "40"})
    void nullStateMeansZerosAndIsLeftAlone(int len) {
        ScanInputs in = ScanInputs.random(ODD, len, false, true, len);
        for (MambaKernels m : new MambaKernels[] {FAST, REF}) {
            float[] zeros = new float[ODD.stateFloats()];
            float[] withZeros = in.newY();
            float[] withNull = in.newY();
            float[] chunkedNull = in.newY();
            m.recurrentScan(ODD, len, in.x(), in.dt(), in.a(), in.b(), in.c(), in.d(), zeros, withZeros);
            m.recurrentScan(ODD, len, in.x(), in.dt(), in.a(), in.b(), in.c(), in.d(), null, withNull);
            m.chunkedScan(ODD, len, 8, in.x(), in.dt(), in.a(), in.b(), in.c(), in.d(), null, chunkedNull);
            // not bit-exact: FloatVector.reduceLanes(ADD) may sum in a different order once C2
            // has compiled the intrinsic than in the interpreter's fallback
            assertClose(withNull, withZeros, withZeros.length, 1e-6, "recurrence with null state");
            assertClose(chunkedNull, withZeros, withZeros.length, 2e-5, "chunked with null state");
        }
    }

    @ParameterizedTest
    @CsvSource({"20,7", "33,16", "5,1"})
    void prefillThenDecodeEqualsOnePass(int len, int prefill) {
        ScanInputs in = ScanInputs.random(ODD, len, true, true, len + prefill);
        double[] exactState = new double[ODD.stateFloats()];
        double[] exact = in.bruteForce(exactState);
        int hp = ODD.innerSize();
        int gn = ODD.groups() * ODD.stateSize();
        int hh = ODD.heads();
        float[] st = in.stateCopy();
        float[] y = in.newY();
        float[] part = new float[prefill * hp];
        FAST.chunkedScan(ODD, prefill, 4, Arrays.copyOf(in.x(), prefill * hp), Arrays.copyOf(in.dt(), prefill * hh),
                in.a(), Arrays.copyOf(in.b(), prefill * gn), Arrays.copyOf(in.c(), prefill * gn), in.d(), st, part);
        System.arraycopy(part, 0, y, 0, part.length);
        float[] one = new float[hp];
        for (int t = prefill; t < len; t++) {
            FAST.recurrentScan(ODD, 1, Arrays.copyOfRange(in.x(), t * hp, (t + 1) * hp),
                    Arrays.copyOfRange(in.dt(), t * hh, (t + 1) * hh), in.a(),
                    Arrays.copyOfRange(in.b(), t * gn, (t + 1) * gn),
                    Arrays.copyOfRange(in.c(), t * gn, (t + 1) * gn), in.d(), st, one);
            System.arraycopy(one, 0, y, t * hp, hp);
        }
        assertClose(y, exact, y.length, 2e-5, "prefill + decode y");
        assertClose(st, exactState, st.length, 2e-5, "prefill + decode state");
    }
    @ParameterizedTest
    @CsvSource({"4,37,2,9,45,16", "2,80,1,16,20,8", "4,40,4,33,7,4", "2,67,2,3,1,8", "8,96,2,24,70,32"})
    void widerHeadsExerciseTheRegisterBlocks(int h, int p, int g, int n, int len, int chunk) {
        SsmShape s = new SsmShape(h, p, g, n);
        ScanInputs in = ScanInputs.random(s, len, true, true, h * 31L + p + n + len);
        double[] exactState = new double[s.stateFloats()];
        double[] exact = in.bruteForce(exactState);
        float[] st = in.stateCopy();
        float[] y = in.newY();
        FAST.chunkedScan(s, len, chunk, in.x(), in.dt(), in.a(), in.b(), in.c(), in.d(), st, y);
        assertClose(y, exact, y.length, 2e-5, "chunked y vs float64");
        assertClose(st, exactState, st.length, 2e-5, "chunked state vs float64");
        float[] rs = in.stateCopy();
        float[] ry = in.newY();
        REF.chunkedScan(s, len, chunk, in.x(), in.dt(), in.a(), in.b(), in.c(), in.d(), rs, ry);
        assertClose(y, ry, y.length, 1e-5, "fast vs reference chunked y");
        assertClose(st, rs, st.length, 1e-5, "fast vs reference chunked state");
    }
}
