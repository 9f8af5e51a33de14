package dev.nemotron.compress.nas;

import dev.nemotron.api.NemotronException;
import java.util.ArrayList;
import java.util.List;

/**
 * An inclusive grid {@code lo, lo + step, ..., hi} of one architecture dimension; {@code hi} is
 * always included, even when {@code hi - lo} is not a multiple of {@code step}.
 */
public record Range(int lo, int hi, int step) {
    /** Grids larger than this are refused (the search is exhaustive). */
    public static final int MAX_VALUES = 4096;

    public Range {
        if (lo < 1 || hi < lo || step < 1) {
            throw new NemotronException("search range " + lo + ":" + hi + ":" + step
                    + " must have 1 <= LO <= HI and STEP >= 1");
        }
        if ((hi - lo) / step + 2 > MAX_VALUES) {
            throw new NemotronException("search range " + lo + ":" + hi + ":" + step + " has more than " + MAX_VALUES
                    + " values; give a larger STEP");
        }
    }

    /** One value. */
    public static Range of(int value) {
        return new Range(value, value, 1);
    }

    /**
     * Parses {@code LO:HI:STEP}, {@code LO:HI} (step 1) or {@code VALUE}.
     *
     * @param what the option, for the error message
     */
    public static Range parse(String text, String what) {
        String[] parts = text.strip().split(":", -1);
        if (parts.length > 3) {
            throw new NemotronException(what + " must be LO:HI:STEP, LO:HI or a single value, got '" + text + "'");
        }
        int[] v = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                v[i] = Integer.parseInt(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new NemotronException(what + " must be LO:HI:STEP of positive integers, got '" + text + "'");
            }
        }
        return switch (v.length) {
            case 1 -> of(v[0]);
            case 2 -> new Range(v[0], v[1], 1);
            default -> new Range(v[0], v[1], v[2]);
        };
    }

    /** The values in increasing order. */
    public List<Integer> values() {
        List<Integer> out = new ArrayList<>();
        for (int x = lo; x < hi; x += step) {
            out.add(x);
        }
        out.add(hi);
        return out;
    }

    @Override
    public String toString() {
        return lo == hi ? Integer.toString(lo) : lo + ":" + hi + ":" + step;
    }
}
