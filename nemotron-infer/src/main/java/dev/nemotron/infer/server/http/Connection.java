package dev.nemotron.infer.server.http;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One client connection, on a virtual thread of its own: requests one after another (keep-alive)
 * under the header and idle timeouts; the server may evict it while it waits for a request.
 */
final class Connection implements Runnable {
    private static final Logger LOG = LogManager.getLogger(Connection.class);
    /** Body bytes left unread by a handler that are read and dropped to keep the connection. */
    private static final long DRAIN_LIMIT = 64 * 1024;

    private final HttpServer server;
    private final Socket socket;
    private final ResponseOutput output;
    private final OutputStream out;
    private final SocketInput in;
    private boolean busy;            // handling a request (not evictable)
    private boolean evicted;
    private long since = System.nanoTime();
    private volatile Thread thread;

    Connection(HttpServer server, Socket socket) throws IOException {
        this.server = server;
        this.socket = socket;
        this.output = new ResponseOutput(socket.getOutputStream());
        this.out = new BufferedOutputStream(output, 16 * 1024);
        this.in = new SocketInput(socket);
    }

    /** When it last began waiting for a request, or {@link Long#MAX_VALUE} while busy. */
    synchronized long idleSince() {
        return busy ? Long.MAX_VALUE : since;
    }

    /** Closes it if it is waiting for a request; false when it is busy with one. */
    synchronized boolean evictIfIdle() {
        if (busy) {
            return false;
        }
        evicted = true;
        closeSocket();
        return true;
    }

    private synchronized boolean markBusy(boolean b) {
        if (evicted) {
            return false;
        }
        busy = b;
        since = System.nanoTime();
        return true;
    }

    long blockedWriteNanos(long now) {
        return output.blockedNanos(now);
    }

    /** Closes the socket and interrupts the handler (the server is stopping). */
    void stop() {
        closeSocket();
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    void closeSocket() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing: nothing to do
        }
    }

    @Override
    public void run() {
        HttpLimits limits = server.limits();
        thread = Thread.currentThread();
        try {
            boolean first = true;
            while (true) {
                if (!markBusy(false)) {
                    return;
                }
                in.idle((int) (first ? limits.headerTimeout() : limits.idleTimeout()).toMillis(), "a request");
                if (!in.awaitByte()) {
                    return;
                }
                in.deadline(System.nanoTime() + limits.headerTimeout().toNanos(), "the request headers");
                Exchange exchange;
                try {
                    exchange = Exchange.read(in, out);
                } catch (HttpProtocolException e) {
                    reject(e.status(), e.getMessage());
                    return;
                } catch (SocketTimeoutException e) {
                    reject(408, e.getMessage());
                    return;
                }
                if (exchange == null || !markBusy(true)) {
                    return;
                }
                in.idle((int) limits.idleTimeout().toMillis(), "the request body");
                if ("100-continue".equalsIgnoreCase(exchange.header("Expect"))) {
                    out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                    out.flush();
                }
                if (!serve(exchange)) {
                    return;
                }
                first = false;
            }
        } catch (IOException e) {
            LOG.debug("connection from {} ended: {}", socket.getRemoteSocketAddress(), e.toString());
        } finally {
            closeSocket();
            server.removed(this);
        }
    }

    /** Runs the handler; true when the connection can take another request. */
    private boolean serve(Exchange exchange) throws IOException {
        try {
            server.handler().handle(exchange);
        } catch (HttpProtocolException e) {
            if (!exchange.responded()) {
                reject(e.status(), e.getMessage());
            }
            return false;
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            LOG.error("{} {} failed: {}", exchange.method(), exchange.target(), e.toString());
            if (!exchange.responded()) {
                exchange.closeAfter();
                exchange.send(500, server.errorBody(500, "internal server error"));
            }
            return false;
        }
        if (!exchange.responded()) {
            exchange.closeAfter();
            exchange.send(500, server.errorBody(500, "the server gave no response"));
            return false;
        }
        exchange.finishStream();
        out.flush();
        if (exchange.closing()) {
            return false;
        }
        try {
            return exchange.bodyInput().complete() || exchange.bodyInput().drain(DRAIN_LIMIT);
        } catch (IOException e) {
            return false;
        }
    }

    /** Answers a request that could not be read and closes the connection. */
    private void reject(int status, String message) {
        LOG.debug("rejected a request from {}: {} {}", socket.getRemoteSocketAddress(), status, message);
        try {
            String head = "HTTP/1.1 " + status + " " + StatusText.of(status) + "\r\nContent-Type: application/json\r\n";
            byte[] body = server.errorBody(status, message);
            out.write((head + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            socket.shutdownOutput();
        } catch (IOException e) {
            LOG.debug("could not answer the rejected request: {}", e.toString());
        }
    }
}
