package dev.nemotron.backend.java.bench;

import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.backend.java.Parallel;
import dev.nemotron.backend.java.linear.VectorLinearKernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/**
 * Quick, informal timing (not a test) of {@link VectorLinearKernels#matmul} at few rows: GB/s of
 * weight read (weight bytes / time, once per call whatever the rows; in parentheses per CPU time
 * of the process divided by the threads, which discounts time-slicing on a busy machine). Weights live in native
 * memory, in enough copies (cycled) that they never fit in cache. Run by hand:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes:... \
 *     dev.nemotron.backend.java.bench.GemvSpeedMain [dtypes=F32,BF16] [rows=1,2,4,8,16,32] [shapes=4096x4096,768x2560]
 * </pre>
 */
public final class GemvSpeedMain {
    private GemvSpeedMain() {
    }

    public static void main(String[] args) {
        String[] types = (args.length > 0 ? args[0] : "F32,BF16").split(",");
        String[] rowList = (args.length > 1 ? args[1] : "1,2,4,8,16,32").split(",");
        String[] shapes = (args.length > 2 ? args[2] : "4096x4096,768x2560,2560x768").split(",");
        double seconds = args.length > 3 ? Double.parseDouble(args[3]) : 0.4;
        try (Parallel par = new Parallel(Integer.getInteger("threads", Runtime.getRuntime().availableProcessors())); Arena arena = Arena.ofShared()) {
            VectorLinearKernels k = new VectorLinearKernels(par);
            System.out.printf("threads %d, load %s%n", par.threads(), load());
            for (String sh : shapes) {
                String[] p = sh.split("x");
                int outF = Integer.parseInt(p[0]);
                int in = Integer.parseInt(p[1]);
                for (String tn : types) {
                    DType t = DType.valueOf(tn);
                    long bytes = t.storageBytes((long) outF * in);
                    int copies = Integer.getInteger("copies", (int) Math.max(1, Math.min(64, (256L << 20) / bytes + 1)));
                    Tensor[] ws = new Tensor[copies];
                    SplittableRandom rnd = new SplittableRandom(7);
                    for (int c = 0; c < copies; c++) {
                        MemorySegment seg = arena.allocate(bytes, 64);
                        if (t == DType.Q8_0) {
                            float[] row = new float[in];
                            for (int o = 0; o < outF; o++) {
                                for (int i = 0; i < in; i++) {
                                    row[i] = (float) (rnd.nextDouble() - 0.5);
                                }
                                dev.nemotron.api.tensor.Q8_0.quantize(row, 0, in, seg, o * t.storageBytes(in));
                            }
                        } else if (t == DType.F32) {
                            for (long i = 0; i < (long) outF * in; i++) {
                                seg.setAtIndex(Tensor.F32_LE, i, (float) (rnd.nextDouble() - 0.5));
                            }
                        } else {
                            for (long i = 0; i < (long) outF * in; i++) {
                                float f = (float) (rnd.nextDouble() - 0.5);
                                short s = t == DType.BF16 ? (short) (Float.floatToRawIntBits(f) >>> 16)
                                        : Float.floatToFloat16(f);
                                seg.setAtIndex(Tensor.I16_LE, i, s);
                            }
                        }
                        ws[c] = new Tensor(t, new long[] {outF, in}, seg);
                    }
                    StringBuilder line = new StringBuilder(String.format("%-10s %-4s", sh, tn));
                    for (String rs : rowList) {
                        int rows = Integer.parseInt(rs);
                        float[] x = new float[rows * in];
                        for (int i = 0; i < x.length; i++) {
                            x[i] = (float) (rnd.nextDouble() - 0.5);
                        }
                        float[] out = new float[rows * outF];
                        // warm up
                        long w0 = System.nanoTime();
                        int it = 0;
                        while (System.nanoTime() - w0 < 1_000_000_000L || it < 40) {
                            k.matmul(x, rows, ws[it++ % copies], null, out);
                        }
                        // best of several timed windows
                        double best = Double.MAX_VALUE;
                        double bestCpu = Double.MAX_VALUE;
                        for (int rep = 0; rep < 5; rep++) {
                            long c0 = cpuNanos();
                            long t0 = System.nanoTime();
                            int n = 0;
                            while (System.nanoTime() - t0 < (long) (seconds * 1e9 / 5) || n < 3) {
                                k.matmul(x, rows, ws[(it + n) % copies], null, out);
                                n++;
                            }
                            it += n;
                            best = Math.min(best, (System.nanoTime() - t0) / (double) n);
                            bestCpu = Math.min(bestCpu, (cpuNanos() - c0) / (double) n / par.threads());
                        }
                        line.append(String.format("  r%-2d %5.1f (%5.1f)", rows, bytes / best, bytes / bestCpu));
                    }
                    System.out.println(line + " GB/s   load " + load());
                }
            }
        }
    }

    /** CPU time of the whole process (all threads), in ns. */
    static long cpuNanos() {
        long sum = 0;
        try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
            for (var t : (Iterable<java.nio.file.Path>) tasks::iterator) {
                try {
                    String st = java.nio.file.Files.readString(t.resolve("schedstat"));
                    sum += Long.parseLong(st.substring(0, st.indexOf(' ')));
                } catch (Exception e) {
                    // thread gone
                }
            }
        } catch (Exception e) {
            return 0;
        }
        return sum;
    }

    static String load() {
        try {
            String s = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"));
            return s.substring(0, s.indexOf(' ', s.indexOf(' ') + 1));
        } catch (Exception e) {
            return "?";
        }
    }
}
