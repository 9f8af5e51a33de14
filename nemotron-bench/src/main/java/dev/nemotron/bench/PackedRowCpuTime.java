package dev.nemotron.bench;

import dev.nemotron.api.layer.train.Segments;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.train.autodiff.core.Gradients;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Thread CPU time of one row's loss and gradients, packed or not, on one thread: a row of L tokens
 * unpacked, the same row packed with k samples of L/k (docs/training.md, "Packed sequences"), and
 * the k samples run one by one (the peer packing must match). The three alternate round by round so
 * that load on a shared machine hits them alike; CPU time (not wall time) is what interference
 * distorts least. Prints min and median ms per step.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp "nemotron-bench/target/nemotron-bench-*.jar:nemotron-bench/target/lib/*" \
 *     dev.nemotron.bench.PackedRowCpuTime [config.json] [L] [k] [rounds]
 * </pre>
 */
public final class PackedRowCpuTime {
    private PackedRowCpuTime() {
    }

    public static void main(String[] args) {
        Path config = Path.of(args.length > 0 ? args[0] : "examples/configs/tiny-hybrid/config.json");
        int len = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        int k = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 7;
        MixerRegistry registry = MixerRegistry.discover();
        TrainableModel model = TrainableModel.random(ModelGraph.of(new ConfigParser(registry).parse(config), registry), 1);
        int vocab = model.graph().config().vocabSize();
        SplittableRandom rnd = new SplittableRandom(7);
        int[] tokens = rnd.ints(len, 0, vocab).toArray();
        int[] targets = rnd.ints(len, 0, vocab).toArray();
        int n = len / k;
        int[] lengths = new int[k];
        Arrays.fill(lengths, n);
        lengths[k - 1] += len - n * k;
        Segments seg = Segments.of(lengths);
        int[] packedTargets = targets.clone();
        for (int i = 0; i < k; i++) {
            packedTargets[seg.start(i) + seg.length(i) - 1] = -100;
        }
        Gradients g = model.newGradients();
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        String[] names = {"unpacked row of " + len, "packed row of " + len + " = " + k + " x " + n,
            k + " samples of " + n + " one by one"};
        double[][] ms = new double[3][rounds];
        for (int r = -1; r < rounds; r++) {          // round -1: warm-up
            for (int c = 0; c < 3; c++) {
                g.zero();
                long t0 = bean.getCurrentThreadCpuTime();
                switch (c) {
                    case 0 -> model.lossAndGradients(tokens, targets, g);
                    case 1 -> model.lossAndGradients(tokens, seg, packedTargets, g);
                    default -> {
                        for (int i = 0; i < k; i++) {
                            int from = seg.start(i), to = from + seg.length(i);
                            model.lossAndGradients(Arrays.copyOfRange(tokens, from, to),
                                    Arrays.copyOfRange(packedTargets, from, to), g);
                        }
                    }
                }
                if (r >= 0) {
                    ms[c][r] = (bean.getCurrentThreadCpuTime() - t0) / 1e6;
                }
            }
        }
        System.out.printf(Locale.ROOT, "%s, %d rounds, thread CPU ms per step (min / median):%n", config, rounds);
        for (int c = 0; c < 3; c++) {
            double[] v = ms[c].clone();
            Arrays.sort(v);
            System.out.printf(Locale.ROOT, "  %-36s %8.1f / %8.1f%n", names[c], v[0], v[v.length / 2]);
        }
    }
}
