package dev.nemotron.text.tokenizer.model;

import java.util.Arrays;

/**
 * The BPE merge table: (left id, right id) to merge rank, in an open-addressing hash table of
 * primitive longs (no boxing on the hot path); the merged token of each rank is kept alongside.
 */
final class PairRanks {
    private static final long EMPTY = -1L;
    private final long[] keys;
    private final int[] ranks;
    private final int mask;
    private final int[] mergedIdByRank;

    PairRanks(int merges) {
        int cap = Integer.highestOneBit(Math.max(4, merges * 2 + 1)) << 1;
        keys = new long[cap];
        Arrays.fill(keys, EMPTY);
        ranks = new int[cap];
        mask = cap - 1;
        mergedIdByRank = new int[merges];
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        int i = (int) (h ^ (h >>> 29)) & mask;
        while (keys[i] != EMPTY && keys[i] != key) {
            i = (i + 1) & mask;
        }
        return i;
    }

    /** Records the merge of rank {@code rank}; a later rank for the same pair replaces an earlier one. */
    void put(int left, int right, int rank, int mergedId) {
        long k = key(left, right);
        int i = slot(k);
        keys[i] = k;
        ranks[i] = rank;
        mergedIdByRank[rank] = mergedId;
    }

    /** The rank of merging {@code left} and {@code right}, or -1 when they do not merge. */
    int rank(int left, int right) {
        long k = key(left, right);
        int i = slot(k);
        return keys[i] == EMPTY ? -1 : ranks[i];
    }

    int mergedId(int rank) {
        return mergedIdByRank[rank];
    }
}
