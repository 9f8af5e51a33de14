package dev.nemotron.eval.ruler;

import dev.nemotron.api.NemotronException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Needle depths: the ones asked for, or RULER's random choice. */
final class Depths {
    /** RULER's depth grid: {@code round(linspace(0, 100, 40))} percent. */
    static final List<Double> GRID = grid();

    private Depths() {
    }

    private static List<Double> grid() {
        List<Double> g = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            g.add(Math.rint(100.0 * i / 39) / 100.0);
        }
        return List.copyOf(g);
    }

    /**
     * The depths of {@code count} needles: {@code requested} when given (one depth for all, or one
     * per needle), else {@code count} distinct points of RULER's grid, sorted, as RULER's niah does.
     *
     * @throws NemotronException when {@code requested} has another number of entries
     */
    static List<Double> forNeedles(List<Double> requested, int count, Random rng, String task) {
        if (!requested.isEmpty()) {
            return expand(requested, count, task);
        }
        List<Double> pool = new ArrayList<>(GRID);
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(pool.remove(rng.nextInt(pool.size())));
        }
        out.sort(null);
        return out;
    }

    /**
     * The depths of {@code count} ordered statements (a vt chain): {@code requested} when given, else
     * uniform random fractions, sorted, as RULER picks random positions for the chain.
     */
    static List<Double> forChain(List<Double> requested, int count, Random rng, String task) {
        if (!requested.isEmpty()) {
            List<Double> d = new ArrayList<>(expand(requested, count, task));
            d.sort(null);
            return d;
        }
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(rng.nextDouble());
        }
        out.sort(null);
        return out;
    }

    private static List<Double> expand(List<Double> requested, int count, String task) {
        if (requested.size() == 1) {
            return java.util.Collections.nCopies(count, requested.getFirst());
        }
        if (requested.size() != count) {
            throw new NemotronException(task + " places " + count + " needle" + (count == 1 ? "" : "s") + " but "
                    + requested.size() + " depths were given (give one depth for all, or one per needle)");
        }
        return List.copyOf(requested);
    }
}
