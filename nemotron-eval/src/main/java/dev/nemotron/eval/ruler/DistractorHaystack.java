package dev.nemotron.eval.ruler;

import dev.nemotron.eval.ruler.NiahSpec.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * RULER's needle haystack: distractor needles ({@code One of the special magic numbers for KEY is:
 * VALUE.}) with random keys other than the real ones, one per line, drawn in sequence from their
 * own random stream so that the first {@code n} are the same whatever {@code n}. A unit is one
 * distractor, a piece one of its words. Not thread-safe (one per sample).
 */
final class DistractorHaystack implements Haystack {
    private final ValueType keyType;
    private final ValueType valueType;
    private final Set<String> realKeys;
    private final Random rng;
    private final List<String> words = new ArrayList<>();
    private final List<Boolean> lastOfNeedle = new ArrayList<>();

    DistractorHaystack(ValueType keyType, ValueType valueType, Set<String> realKeys, long seed) {
        this.keyType = keyType;
        this.valueType = valueType;
        this.realKeys = realKeys;
        this.rng = new Random(seed);
    }

    @Override
    public String name() {
        return "needle";
    }

    @Override
    public String pieceName() {
        return "distractor words";
    }

    @Override
    public int limit() {
        return Integer.MAX_VALUE;
    }

    @Override
    public String piece(int i) {
        ensure(i);
        return words.get(i);
    }

    @Override
    public String joinerBefore(int i) {
        return unitEndsAfter(i - 1) ? "\n" : " ";
    }

    @Override
    public boolean unitEndsAfter(int i) {
        ensure(i);
        return lastOfNeedle.get(i);
    }

    @Override
    public String needleJoiner() {
        return "\n";
    }

    private void ensure(int i) {
        while (words.size() <= i) {
            String key;
            do {
                key = RandomValues.draw(keyType, rng);
            } while (realKeys.contains(key));
            String[] w = RulerTemplates.needle(valueType.plural(), key, RandomValues.draw(valueType, rng)).split(" ");
            for (int j = 0; j < w.length; j++) {
                words.add(w[j]);
                lastOfNeedle.add(j == w.length - 1);
            }
        }
    }
}
