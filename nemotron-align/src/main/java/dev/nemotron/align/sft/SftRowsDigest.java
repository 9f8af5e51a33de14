package dev.nemotron.align.sft;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.distributed.ProcessGroup;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The check that every data-parallel rank prepared the same rows (SFT rows, DPO pairs): each rank
 * prepares its data itself, from the same files and spec, and a rank whose rows differ from rank
 * 0's would train on other data without any error. Before training, each rank compares a SHA-256 of
 * its rows (in order: inputs, targets, segments) with rank 0's, broadcast.
 */
public final class SftRowsDigest {
    private SftRowsDigest() {
    }

    /** SHA-256 over the rows of every part, in order (lengths included, so no two lists collide by concatenation). */
    public static byte[] of(List<List<SftRow>> parts) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);  // every JDK has SHA-256
        }
        for (List<SftRow> part : parts) {
            update(md, part.size());
            for (SftRow r : part) {
                update(md, r.inputs());
                update(md, r.targets());
                update(md, r.segments());
            }
        }
        return md.digest();
    }

    /**
     * Fails on this rank, naming it, when its rows differ from rank 0's (a collective: every rank of
     * {@code group} calls it once, at the same point).
     *
     * @param what the data, for the message ("SFT rows")
     */
    public static void requireSameAsLeader(ProcessGroup group, String what, List<List<SftRow>> parts) {
        byte[] mine = of(parts);
        byte[] leader = group.broadcast(mine);
        if (!Arrays.equals(mine, leader)) {
            throw new NemotronException("rank " + group.rank() + " prepared other " + what + " than rank 0 (digest "
                    + HexFormat.of().formatHex(mine, 0, 6) + " vs " + HexFormat.of().formatHex(leader, 0, 6)
                    + "): the ranks read different data files or specs; give every rank the same");
        }
    }

    private static void update(MessageDigest md, int[] values) {
        update(md, values.length);
        byte[] b = new byte[values.length * 4];
        for (int i = 0; i < values.length; i++) {
            int v = values[i];
            b[4 * i] = (byte) (v >>> 24);
            b[4 * i + 1] = (byte) (v >>> 16);
            b[4 * i + 2] = (byte) (v >>> 8);
            b[4 * i + 3] = (byte) v;
        }
        md.update(b);
    }

    private static void update(MessageDigest md, int v) {
        md.update(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    }
}
