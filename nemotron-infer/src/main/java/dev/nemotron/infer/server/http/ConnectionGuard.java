package dev.nemotron.infer.server.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.Callback;

/**
 * The connection cap and the request-head timeouts that Jetty does not have: every connection of
 * the connector is tracked from its opening. Beyond the cap, the connection that has waited longest
 * for a request is closed to make room; when every one is busy with a request, the new one is
 * marked refused (its request is answered 503; it is idle, so evictable, until then). A connection waiting for a request is closed when
 * no byte came within the header timeout (first request) or the idle timeout (later ones), and is
 * answered 408 when its request line and headers are not complete within the header timeout of
 * their first byte.
 */
final class ConnectionGuard implements Connection.Listener {
    private static final Logger LOG = LogManager.getLogger(ConnectionGuard.class);

    /** What {@link #begin} found. */
    enum Admission { SERVE, REFUSE, GONE }

    private static final class Slot {
        final Connection connection;
        final boolean refused;
        boolean busy;
        boolean closed;
        boolean first = true;
        long idleSince = System.nanoTime();
        long bytesAtIdle;
        long firstByteAt;        // 0: no byte of the next request seen yet

        Slot(Connection connection, boolean refused) {
            this.connection = connection;
            this.refused = refused;
        }
    }

    private final HttpLimits limits;
    private final BiFunction<Integer, String, byte[]> errorBody;
    private final Map<Connection, Slot> slots = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong opened = new java.util.concurrent.atomic.AtomicLong();

    ConnectionGuard(HttpLimits limits, BiFunction<Integer, String, byte[]> errorBody) {
        this.limits = limits;
        this.errorBody = errorBody;
    }

    int count() {
        return slots.size();
    }

    /** Connections opened since the start (the accepted ones, kept or not). */
    long opened() {
        return opened.get();
    }

    @Override
    public void onOpened(Connection connection) {
        boolean refused = false;
        synchronized (this) {
            // refused connections waiting for their request are idle too: the count stays near the cap
            while (!refused && slots.size() >= limits.maxConnections()) {
                refused = !evictIdlest();
            }
            slots.put(connection, new Slot(connection, refused));
        }
        opened.incrementAndGet();
        if (refused) {
            LOG.debug("refusing a connection: {} open, all busy", slots.size());
        }
    }

    @Override
    public void onClosed(Connection connection) {
        slots.remove(connection);
    }

    /** A request's head has been read: the connection is busy until {@link #end}. */
    Admission begin(Connection connection) {
        Slot slot = slots.get(connection);
        if (slot == null) {
            return Admission.GONE;
        }
        synchronized (slot) {
            if (slot.closed) {
                return Admission.GONE;
            }
            slot.busy = true;
        }
        return slot.refused ? Admission.REFUSE : Admission.SERVE;
    }

    /** The response has been sent: the connection waits for its next request. */
    void end(Connection connection) {
        Slot slot = slots.get(connection);
        if (slot != null) {
            synchronized (slot) {
                slot.busy = false;
                slot.first = false;
                slot.idleSince = System.nanoTime();
                slot.bytesAtIdle = connection.getBytesIn();
                slot.firstByteAt = 0;
            }
        }
    }

    /** Closes the connection that has waited longest for a request; false when every one is busy. */
    private boolean evictIdlest() {
        while (true) {
            Slot idlest = null;
            for (Slot s : slots.values()) {
                synchronized (s) {
                    if (!s.busy && !s.closed && (idlest == null || s.idleSince < idlest.idleSince)) {
                        idlest = s;
                    }
                }
            }
            if (idlest == null) {
                return false;
            }
            if (close(idlest, null)) {
                return true;
            }
        }
    }

    /** Applies the head timeouts; called by the server's watchdog every tick. */
    void tick() {
        long now = System.nanoTime();
        for (Slot s : slots.values()) {
            String timedOut = null;
            boolean answer = false;
            synchronized (s) {
                if (s.busy || s.closed) {
                    continue;
                }
                long bytes = s.connection.getBytesIn();
                if (bytes == s.bytesAtIdle) {
                    long wait = (s.first ? limits.headerTimeout() : limits.idleTimeout()).toNanos();
                    if (now - s.idleSince > wait) {
                        timedOut = "a request";
                    }
                } else if (s.firstByteAt == 0) {
                    s.firstByteAt = now;
                } else if (now - s.firstByteAt > limits.headerTimeout().toNanos()) {
                    timedOut = "the request headers";
                    answer = true;
                }
            }
            if (timedOut != null) {
                LOG.debug("closing a connection: timed out waiting for {}", timedOut);
                close(s, answer ? "timed out waiting for " + timedOut : null);
            }
        }
    }

    /** Closes an idle connection, first answering 408 with {@code message} when not null; false when busy. */
    private boolean close(Slot slot, String message) {
        synchronized (slot) {
            if (slot.busy || slot.closed) {
                return false;
            }
            slot.closed = true;
        }
        slots.remove(slot.connection);
        EndPoint endPoint = slot.connection.getEndPoint();
        if (message == null) {
            endPoint.close();
            return true;
        }
        byte[] body = errorBody.apply(408, message);
        String head = "HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n";
        endPoint.write(Callback.from(endPoint::close, failure -> endPoint.close()),
                ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1)), ByteBuffer.wrap(body));
        return true;
    }
}
