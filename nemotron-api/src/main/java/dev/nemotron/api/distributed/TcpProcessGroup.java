package dev.nemotron.api.distributed;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Availability;
import dev.nemotron.api.io.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ProcessGroup} of processes on one host over loopback TCP: a star around rank 0.
 *
 * <pre>
 * connect:    rank 0 listens on 127.0.0.1:0 and writes the port to the rendezvous file (atomically);
 *             rank r > 0 waits for the file, connects and says hello (magic, r, N); rank 0 accepts N-1
 *             distinct ranks, then answers each with its own hello
 * collective: rank r > 0 sends [op, seq, count, payload] to rank 0; rank 0 reads ranks 1..N-1 in order,
 *             combines (a reduction: acc = x_0; acc += x_1; acc += x_2 ...; MEAN then divides by N) and sends
 *             [op, seq, count, result] back to each: one summation order, bit-identical on every rank
 * </pre>
 * Every message names its collective and sequence number, checked on receipt: ranks that call
 * different collectives, or arrays of different lengths, fail with one error instead of mixing data.
 * Every read waits at most the rendezvous timeout; a peer's end of file or a timeout becomes one
 * {@link NemotronException} containing {@link ProcessGroup#PEER_LOST}.
 */
public final class TcpProcessGroup implements ProcessGroup {
    private static final int MAGIC = 0x4e4d4450;  // "NMDP"
    private static final int ALL_REDUCE = 1;
    private static final int ALL_GATHER = 2;
    private static final int BROADCAST = 3;
    private static final int GATHER = 4;
    private static final int BARRIER = 5;
    /** The largest byte message (a broadcast id, one rank's serialised optimizer state). */
    private static final long MAX_BYTES = Integer.MAX_VALUE - 16;
    private static final int CHUNK = 1 << 13;

    private final int rank;
    private final int size;
    private final int timeoutMs;
    /** rank 0: the peers by rank (index 0 unused); other ranks: index 0 is rank 0. */
    private final Peer[] peers;
    private final byte[] chunk = new byte[CHUNK * Double.BYTES];
    /** {@link #chunk} as doubles (big-endian, as the wire), for bulk copies. */
    private final DoubleBuffer chunkDoubles = ByteBuffer.wrap(chunk).asDoubleBuffer();
    private final double[] received = new double[CHUNK];
    private long seq;

    private record Peer(int rank, Socket socket, DataInputStream in, DataOutputStream out) {
    }

    private TcpProcessGroup(int rank, int size, int timeoutMs, Peer[] peers) {
        this.rank = rank;
        this.size = size;
        this.timeoutMs = timeoutMs;
        this.peers = peers;
    }

    /** Whether this host can form a loopback group (it can bind 127.0.0.1), with the reason. */
    public static Availability availability() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return Availability.available("loopback TCP (127.0.0.1)");
        } catch (IOException e) {
            return Availability.unavailable("cannot listen on the loopback interface: " + e.getMessage());
        }
    }

    /** Joins the group {@code rv} describes; returns once every rank has joined (or fails within its timeout). */
    public static TcpProcessGroup join(Rendezvous rv) {
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, rv.timeout().toMillis());
        try {
            return rv.rank() == 0 ? lead(rv, timeoutMs) : follow(rv, timeoutMs);
        } catch (SocketTimeoutException e) {
            throw new NemotronException("rank " + rv.rank() + ": the group of " + rv.size() + " did not form within "
                    + rv.timeout().toSeconds() + " s (" + PEER_LOST + " " + (rv.rank() == 0 ? "some rank" : "0")
                    + "): a rank failed to start; see its error", e);
        } catch (IOException e) {
            throw new NemotronException("rank " + rv.rank() + ": cannot form the group through " + rv.file() + ": "
                    + e.getMessage(), e);
        }
    }

    private static TcpProcessGroup lead(Rendezvous rv, int timeoutMs) throws IOException {
        Peer[] peers = new Peer[rv.size()];
        try (ServerSocket server = new ServerSocket(0, rv.size(), InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(timeoutMs);
            AtomicFiles.writeString(rv.file(), Integer.toString(server.getLocalPort()));
            for (int joined = 1; joined < rv.size(); joined++) {
                Peer p = open(server.accept(), -1, timeoutMs);
                int magic = p.in().readInt();
                int r = p.in().readInt();
                int n = p.in().readInt();
                if (magic != MAGIC || n != rv.size() || r < 1 || r >= n || peers[r] != null) {
                    p.socket().close();
                    throw new NemotronException("rank 0: a process joined as rank " + r + " of " + n + " (this group: "
                            + rv.size() + " ranks" + (r >= 1 && r < n && peers[r] != null ? ", rank " + r + " twice" : "")
                            + "); start every rank of one job from one `nemotron pretrain --ranks N`");
                }
                peers[r] = new Peer(r, p.socket(), p.in(), p.out());
            }
        } catch (IOException | RuntimeException e) {
            closeAll(peers);
            throw e;
        }
        for (int r = 1; r < rv.size(); r++) {
            hello(peers[r].out(), 0, rv.size());
        }
        return new TcpProcessGroup(0, rv.size(), timeoutMs, peers);
    }

    private static TcpProcessGroup follow(Rendezvous rv, int timeoutMs) throws IOException {
        long deadline = System.nanoTime() + rv.timeout().toNanos();
        int port = awaitPort(rv.file(), deadline);
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeoutMs);
            Peer p = open(s, 0, timeoutMs);
            hello(p.out(), rv.rank(), rv.size());
            if (p.in().readInt() != MAGIC || p.in().readInt() != 0 || p.in().readInt() != rv.size()) {
                throw new NemotronException("rank " + rv.rank() + ": the process at port " + port + " is not rank 0 of this group");
            }
            return new TcpProcessGroup(rv.rank(), rv.size(), timeoutMs, new Peer[] {p});
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static int awaitPort(Path file, long deadline) throws IOException {
        while (true) {
            if (Files.isRegularFile(file)) {
                String text = Files.readString(file).strip();
                try {
                    int port = Integer.parseInt(text);
                    if (port > 0 && port < 65536) {
                        return port;
                    }
                } catch (NumberFormatException ignored) {
                    // fall through to the error
                }
                throw new NemotronException(file + " holds '" + text + "', not a port: give every job a fresh rendezvous file");
            }
            if (System.nanoTime() > deadline) {
                throw new SocketTimeoutException("no rendezvous file " + file);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NemotronException("interrupted while waiting for rank 0", e);
            }
        }
    }

    private static Peer open(Socket s, int rank, int timeoutMs) throws IOException {
        s.setSoTimeout(timeoutMs);
        s.setTcpNoDelay(true);
        return new Peer(rank, s, new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16)),
                new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16)));
    }

    private static void hello(DataOutputStream out, int rank, int size) throws IOException {
        out.writeInt(MAGIC);
        out.writeInt(rank);
        out.writeInt(size);
        out.flush();
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void allReduce(double[] data, ReduceOp op) {
        long s = ++seq;
        if (rank != 0) {
            send(peers[0], ALL_REDUCE, s, data, 0, data.length);
            receive(peers[0], ALL_REDUCE, s, data, 0, data.length, false);
            return;
        }
        for (int r = 1; r < size; r++) {
            receive(peers[r], ALL_REDUCE, s, data, 0, data.length, true);
        }
        if (op == ReduceOp.MEAN) {
            for (int i = 0; i < data.length; i++) {
                data[i] /= size;
            }
        }
        for (int r = 1; r < size; r++) {
            send(peers[r], ALL_REDUCE, s, data, 0, data.length);
        }
    }

    @Override
    public void allGather(double[] data, int[] counts) {
        if (counts.length != size) {
            throw new IllegalArgumentException(counts.length + " counts for " + size + " ranks");
        }
        long total = 0;
        int[] offsets = new int[size];
        for (int r = 0; r < size; r++) {
            offsets[r] = (int) total;
            total += counts[r];
        }
        if (total != data.length) {
            throw new IllegalArgumentException("the counts add up to " + total + ", the array holds " + data.length);
        }
        long s = ++seq;
        if (rank != 0) {
            send(peers[0], ALL_GATHER, s, data, offsets[rank], counts[rank]);
            receive(peers[0], ALL_GATHER, s, data, 0, data.length, false);
            return;
        }
        for (int r = 1; r < size; r++) {
            receive(peers[r], ALL_GATHER, s, data, offsets[r], counts[r], false);
        }
        for (int r = 1; r < size; r++) {
            send(peers[r], ALL_GATHER, s, data, 0, data.length);
        }
    }

    @Override
    public byte[] broadcast(byte[] bytes) {
        long s = ++seq;
        if (rank != 0) {
            return receiveBytes(peers[0], BROADCAST, s);
        }
        for (int r = 1; r < size; r++) {
            sendBytes(peers[r], BROADCAST, s, bytes);
        }
        return bytes.clone();
    }

    @Override
    public List<byte[]> gather(byte[] bytes) {
        long s = ++seq;
        if (rank != 0) {
            sendBytes(peers[0], GATHER, s, bytes);
            return List.of();
        }
        List<byte[]> all = new ArrayList<>(size);
        all.add(bytes.clone());
        for (int r = 1; r < size; r++) {
            all.add(receiveBytes(peers[r], GATHER, s));
        }
        return all;
    }

    @Override
    public void barrier() {
        long s = ++seq;
        byte[] none = new byte[0];
        if (rank != 0) {
            sendBytes(peers[0], BARRIER, s, none);
            receiveBytes(peers[0], BARRIER, s);
            return;
        }
        for (int r = 1; r < size; r++) {
            receiveBytes(peers[r], BARRIER, s);
        }
        for (int r = 1; r < size; r++) {
            sendBytes(peers[r], BARRIER, s, none);
        }
    }

    @Override
    public void close() {
        closeAll(peers);
    }

    private static void closeAll(Peer[] peers) {
        for (Peer p : peers) {
            if (p != null) {
                try {
                    p.socket().close();
                } catch (IOException ignored) {
                    // closing: nothing to report
                }
            }
        }
    }

    // ---- framing ----

    private void header(Peer p, int op, long s, long count) throws IOException {
        p.out().writeInt(op);
        p.out().writeLong(s);
        p.out().writeLong(count);
    }

    private void expect(Peer p, int op, long s, long count) throws IOException {
        int gotOp = p.in().readInt();
        long gotSeq = p.in().readLong();
        long gotCount = p.in().readLong();
        if (gotOp != op || gotSeq != s || (count >= 0 && gotCount != count)) {
            throw new NemotronException("rank " + rank + ": rank " + p.rank() + " is out of step (collective " + gotOp + " #"
                    + gotSeq + " of " + gotCount + " values, expected collective " + op + " #" + s + " of " + count
                    + "): every rank must run the same model, batch and flags");
        }
    }

    private void send(Peer p, int op, long s, double[] data, int from, int count) {
        try {
            header(p, op, s, count);
            int done = 0;
            while (done < count) {
                int n = Math.min(CHUNK, count - done);
                chunkDoubles.clear();
                chunkDoubles.put(data, from + done, n);
                p.out().write(chunk, 0, n * Double.BYTES);
                done += n;
            }
            p.out().flush();
        } catch (IOException e) {
            throw lost(p, e);
        }
    }

    /** Reads {@code count} doubles into {@code data[from..]}, adding them ({@code add}) or overwriting. */
    private void receive(Peer p, int op, long s, double[] data, int from, int count, boolean add) {
        try {
            expect(p, op, s, count);
            int done = 0;
            while (done < count) {
                int n = Math.min(CHUNK, count - done);
                p.in().readFully(chunk, 0, n * Double.BYTES);
                chunkDoubles.clear();
                if (add) {
                    chunkDoubles.get(received, 0, n);
                    int at = from + done;
                    for (int i = 0; i < n; i++) {
                        data[at + i] += received[i];
                    }
                } else {
                    chunkDoubles.get(data, from + done, n);
                }
                done += n;
            }
        } catch (IOException e) {
            throw lost(p, e);
        }
    }

    private void sendBytes(Peer p, int op, long s, byte[] bytes) {
        try {
            header(p, op, s, bytes.length);
            p.out().write(bytes);
            p.out().flush();
        } catch (IOException e) {
            throw lost(p, e);
        }
    }

    private byte[] receiveBytes(Peer p, int op, long s) {
        try {
            int gotOp = p.in().readInt();
            long gotSeq = p.in().readLong();
            long n = p.in().readLong();
            if (gotOp != op || gotSeq != s || n < 0 || n > MAX_BYTES) {
                throw new NemotronException("rank " + rank + ": rank " + p.rank() + " is out of step (collective " + gotOp
                        + " #" + gotSeq + " of " + n + " bytes, expected collective " + op + " #" + s
                        + "): every rank must run the same model, batch and flags");
            }
            byte[] b = new byte[(int) n];
            p.in().readFully(b);
            return b;
        } catch (IOException e) {
            throw lost(p, e);
        }
    }

    private NemotronException lost(Peer p, IOException e) {
        String why = e instanceof SocketTimeoutException ? "no message within " + timeoutMs / 1000 + " s (it hangs or died)"
                : e instanceof EOFException ? "it closed its connection (it exited or failed)" : e.getMessage();
        return new NemotronException("rank " + rank + " " + PEER_LOST + " " + p.rank() + ": " + why
                + "; see that rank's own error", e);
    }
}
