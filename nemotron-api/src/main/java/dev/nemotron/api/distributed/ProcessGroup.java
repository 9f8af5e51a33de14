package dev.nemotron.api.distributed;

import java.util.List;

/**
 * The ranks of one data-parallel job (one process per rank) and the host collectives they run
 * together, in the style of {@code torch.distributed}'s gloo groups: every rank calls the same
 * collectives in the same order with arrays of the same length.
 *
 * <p>Determinism: a reduction is summed in rank order {@code ((x_0 + x_1) + x_2) + ...} by one
 * rank and the result sent to all, so every rank holds bit-identical results (and therefore
 * bit-identical weights after identical updates).
 *
 * <p>Failures: a peer that dies, closes its connection, or sends nothing within the group's
 * timeout makes the collective throw a {@link dev.nemotron.api.NemotronException} whose message
 * contains {@link #PEER_LOST} and names the peer; no collective blocks forever.
 */
public interface ProcessGroup extends AutoCloseable {
    /** Part of the message of every failure caused by another rank (the launcher reports the rank that failed first instead). */
    String PEER_LOST = "lost contact with rank";

    /** How a reduction combines the ranks' arrays. */
    enum ReduceOp {
        /** x_0 + x_1 + ... + x_{N-1}, in rank order. */
        SUM,
        /** The sum in rank order, then divided by N. */
        MEAN
    }

    /** This process's rank, 0 .. size - 1. */
    int rank();

    /** The number of ranks. */
    int size();

    /** Whether this is rank 0 (the one that writes metrics and checkpoints). */
    default boolean leader() {
        return rank() == 0;
    }

    /** Replaces {@code data} on every rank with the element-wise reduction of all ranks' {@code data} (same length everywhere). */
    void allReduce(double[] data, ReduceOp op);

    /**
     * Every rank contributes {@code data[offset_r, offset_r + counts[r])} (offset_r = counts[0] + ... + counts[r-1];
     * the counts add up to {@code data.length}, the same on every rank); afterwards every rank's {@code data} holds
     * all the contributions.
     */
    void allGather(double[] data, int[] counts);

    /** Rank 0's {@code bytes} (the argument is ignored on other ranks, may be null there), returned on every rank. */
    byte[] broadcast(byte[] bytes);

    /** On rank 0 every rank's {@code bytes} in rank order; an empty list on the other ranks. */
    List<byte[]> gather(byte[] bytes);

    /** Returns when every rank has called it. */
    void barrier();

    /** Leaves the group (closes its connections); the other ranks' next collective fails. */
    @Override
    void close();
}
