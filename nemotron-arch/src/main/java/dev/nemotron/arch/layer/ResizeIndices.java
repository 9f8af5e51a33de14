package dev.nemotron.arch.layer;

import dev.nemotron.api.layer.LayerContext;
import dev.nemotron.arch.config.ConfigException;
import java.util.Arrays;
import java.util.stream.IntStream;

/** Index arithmetic shared by the built-in layers' resize hooks. */
public final class ResizeIndices {
    private ResizeIndices() {
    }

    /** The channels of the kept units, each {@code width} wide, shifted by {@code offset}: {@code offset + u*width + j}. */
    public static int[] channels(int[] units, int width, int offset) {
        int[] out = new int[units.length * width];
        for (int i = 0; i < units.length; i++) {
            for (int j = 0; j < width; j++) {
                out[i * width + j] = offset + units[i] * width + j;
            }
        }
        return out;
    }

    /** {@code from, from+1, ..., to-1}. */
    public static int[] range(int from, int to) {
        return IntStream.range(from, to).toArray();
    }

    public static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }

    /**
     * How many units are kept in each block of {@code perBlock} consecutive units; fails unless every
     * block keeps the same, non-zero, number. Returns that number.
     */
    public static int evenPerBlock(LayerContext layer, int[] kept, int blocks, int perBlock, String units, String blockField) {
        int[] count = new int[blocks];
        for (int u : kept) {
            count[u / perBlock]++;
        }
        for (int c : count) {
            if (c != count[0] || c == 0) {
                throw new ConfigException("layer " + layer.index() + " ('" + layer.symbol() + "'): the kept " + units
                        + " must be the same number in each of the " + blocks + " " + blockField + ", got "
                        + Arrays.toString(count));
            }
        }
        return count[0];
    }
}
