package dev.nemotron.train.data;

import java.nio.charset.StandardCharsets;

/** Stateless seed mixing (SplitMix64 finaliser): every random choice of the loader is a pure function of (seed, indices). */
final class Seeds {
    private Seeds() {
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    static long mix(long seed, long... values) {
        long h = mix(seed + 0x9e3779b97f4a7c15L);
        for (long v : values) {
            h = mix(h ^ (v + 0x9e3779b97f4a7c15L + (h << 6) + (h >>> 2)));
        }
        return h;
    }

    static long of(String s) {
        long h = 1125899906842597L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h = 31 * h + b;
        }
        return mix(h);
    }

    /** A uniform double in [0, 1) from a mixed value. */
    static double unit(long h) {
        return (h >>> 11) * 0x1.0p-53;
    }

    /** A deterministic permutation of 0..n-1 (Fisher-Yates driven by the seed). */
    static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
